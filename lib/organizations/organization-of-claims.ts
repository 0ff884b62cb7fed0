import { LogtoAuthException } from '../errors/logto-auth.exception';
import { LogtoAccessTokenClaims } from '../interfaces/logto-user.interface';
import { organizationIdsOfAudience } from './organization-audience';

/**
 * The one organization a verified token acts for: its `organization_id` claim, or, for organization
 * tokens, the id in its `urn:logto:organization:<id>` audience. A token that names two different
 * organizations is refused: either could be checked against a route, so neither can be trusted.
 */
export function organizationOfClaims(claims: LogtoAccessTokenClaims, organizations: boolean): string | undefined {
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
  const ids = new Set(organizations ? organizationIdsOfAudience(audiences) : []);
  if (claims.organization_id !== undefined) ids.add(claims.organization_id);
  if (ids.size > 1) throw new LogtoAuthException('invalid_claims');
  return ids.values().next().value;
}

import { LogtoAccessTokenClaims, LogtoUser } from '../interfaces/logto-user.interface';
import { ResolvedLogtoAuthOptions } from '../logto-auth.options';
import { organizationOfClaims } from './access-token.audience';
import { readScopes } from './scope-claim.reader';

export type ClaimReadingOptions = Pick<ResolvedLogtoAuthOptions, 'scopeClaim' | 'organizations'>;

const DEFAULT_CLAIM_READING: ClaimReadingOptions = { scopeClaim: 'scope', organizations: false };

/** Builds the frozen `LogtoUser` from a verified payload (and from nothing else). */
export function toLogtoUser(claims: LogtoAccessTokenClaims, reading = DEFAULT_CLAIM_READING): LogtoUser {
  const organizationId = organizationOfClaims(claims, reading.organizations);
  const user: LogtoUser = {
    sub: claims.sub,
    clientId: claims.client_id,
    scopes: Object.freeze(readScopes(claims, reading.scopeClaim)),
    audience: Object.freeze(typeof claims.aud === 'string' ? [claims.aud] : [...claims.aud]),
    issuer: claims.iss,
    ...(organizationId !== undefined && { organizationId }),
    expiresAt: new Date(claims.exp * 1000),
    claims: deepFreeze(claims),
  };
  return Object.freeze(user);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

import { LogtoAuthException } from '../errors/logto-auth.exception';
import { ResolvedLogtoTenant } from '../logto-auth.options';

/**
 * Who a token is for: the tenant its `iss` picks, the API audiences of that tenant, and the organizations
 * Logto names as `urn:logto:organization:<id>` audiences. The one place that reads `aud`.
 */

/** Logto organization tokens are issued for the audience `urn:logto:organization:<organization id>`. */
export const ORGANIZATION_AUDIENCE_PREFIX = 'urn:logto:organization:';
const ORGANIZATION_AUDIENCE = /^urn:logto:organization:[\x21-\x7E]+$/;

/** `aud` as a list (RFC 7519 §4.1.3: a string or an array); an absent `aud` names nobody. */
export function audiencesOf(aud: unknown): readonly unknown[] {
  if (Array.isArray(aud)) return aud;
  return aud === undefined ? [] : [aud];
}

/** The tenant whose issuers include `issuer` exactly (configured issuers are unique across tenants). */
export function tenantOfIssuer(issuer: unknown, tenants: readonly ResolvedLogtoTenant[]): ResolvedLogtoTenant | undefined {
  return tenants.find((tenant) => tenant.issuers.includes(issuer as string));
}

/** True when the token names an API audience of its own tenant, not only an organization. */
export function holdsApiAudience(audiences: readonly unknown[], tenant: ResolvedLogtoTenant | undefined): boolean {
  return tenant !== undefined && audiences.some((audience) => tenant.audiences.includes(audience as string));
}

/**
 * The audience must belong to the tenant that issued the token (another tenant's admin can name any
 * resource indicator, RFC 8725 §3.9), or, with `organizations`, be an organization.
 */
export function isAudienceAccepted(claims: Readonly<Record<string, unknown>>, tenants: readonly ResolvedLogtoTenant[], organizations: boolean): boolean {
  const audiences = audiencesOf(claims.aud);
  return holdsApiAudience(audiences, tenantOfIssuer(claims.iss, tenants)) || (organizations && audiences.some(isOrganizationAudience));
}

function isOrganizationAudience(audience: unknown): audience is string {
  return typeof audience === 'string' && ORGANIZATION_AUDIENCE.test(audience);
}

/**
 * The one organization a verified token acts for: its `organization_id` claim, or, for organization
 * tokens, the id in its `urn:logto:organization:<id>` audience. A token that names two different
 * organizations is refused: either could be checked against a route, so neither can be trusted.
 */
export function organizationOfClaims(
  claims: { readonly aud: string | readonly string[]; readonly organization_id?: string },
  organizations: boolean,
): string | undefined {
  const ids = new Set<string>();
  if (organizations) {
    for (const audience of audiencesOf(claims.aud)) {
      if (isOrganizationAudience(audience)) ids.add(audience.slice(ORGANIZATION_AUDIENCE_PREFIX.length));
    }
  }
  if (claims.organization_id !== undefined) ids.add(claims.organization_id);
  if (ids.size > 1) throw new LogtoAuthException('invalid_claims');
  return ids.values().next().value;
}

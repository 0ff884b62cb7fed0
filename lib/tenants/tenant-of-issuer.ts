import { LogtoAuthException } from '../errors/logto-auth.exception';
import { ResolvedLogtoAuthOptions, ResolvedLogtoTenant } from '../logto-auth.options';
import { isOrganizationAudience } from '../organizations/organization-audience';

export function tenantOfIssuer(issuer: unknown, tenants: readonly ResolvedLogtoTenant[]): ResolvedLogtoTenant | undefined {
  return tenants.find((tenant) => tenant.issuers.includes(issuer as string));
}

/** True when the token names an API audience of its own tenant, not only an organization. */
export function holdsApiAudience(audiences: readonly unknown[], tenant: ResolvedLogtoTenant | undefined): boolean {
  return tenant !== undefined && audiences.some((audience) => tenant.audiences.includes(audience as string));
}

/**
 * The audience must belong to the tenant that issued the token: jsonwebtoken only sees every tenant's
 * audiences together, and another tenant's admin can name any resource indicator (RFC 8725 §3.9).
 * Checked on the unverified payload, whose signature is verified right after, before any key is fetched.
 */
export function assertAudienceOfIssuer(
  payload: Readonly<Record<string, unknown>>,
  { tenants, organizations }: ResolvedLogtoAuthOptions,
): void {
  const tenant = tenantOfIssuer(payload.iss, tenants);
  if (!tenant) throw new LogtoAuthException('wrong_issuer');
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!holdsApiAudience(audiences, tenant) && !(organizations && audiences.some(isOrganizationAudience))) {
    throw new LogtoAuthException('wrong_audience');
  }
}

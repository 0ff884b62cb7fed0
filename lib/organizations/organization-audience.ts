import { ResolvedLogtoAuthOptions } from '../logto-auth.options';

/** Logto organization tokens are issued for the audience `urn:logto:organization:<organization id>`. */
export const ORGANIZATION_AUDIENCE_PREFIX = 'urn:logto:organization:';
const ORGANIZATION_AUDIENCE = /^urn:logto:organization:[\x21-\x7E]+$/;

export function isOrganizationAudience(audience: unknown): audience is string {
  return typeof audience === 'string' && ORGANIZATION_AUDIENCE.test(audience);
}

/** The organization ids named by a token's organization audiences. */
export function organizationIdsOfAudience(audiences: readonly unknown[]): string[] {
  return audiences.filter(isOrganizationAudience).map((audience) => audience.slice(ORGANIZATION_AUDIENCE_PREFIX.length));
}

/** What jsonwebtoken compares `aud` with: the API audiences, and any organization when they are enabled. */
export function acceptedAudiences({ audiences, organizations }: ResolvedLogtoAuthOptions): (string | RegExp)[] {
  return organizations ? [...audiences, ORGANIZATION_AUDIENCE] : [...audiences];
}

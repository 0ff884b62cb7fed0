import { LogtoAuthException } from '../errors/logto-auth.exception';
import { LogtoUser } from '../interfaces/logto-user.interface';
import { ResolvedLogtoAuthOptions } from '../logto-auth.options';
import { OrganizationRequirement } from '../decorators/require-organization.decorator';
import { holdsApiAudience, tenantOfIssuer } from '../token/access-token.audience';

export type RouteParams = Readonly<Record<string, unknown>> | undefined;

/** Where a route's path parameters are read from: the request, read only when a rule names one. */
export interface RouteParamsSource {
  readonly params?: RouteParams;
}

/**
 * The organization rules of a route: `@RequireOrganization()` needs a token that acts for an
 * organization, and with `param` for exactly the organization named in the path. Organization tokens
 * carry organization permissions, not API permissions, so they only open organization routes: elsewhere
 * their scopes would pass for API scopes of the same name.
 */
export function assertOrganization(
  user: LogtoUser,
  requirement: OrganizationRequirement | undefined,
  request: RouteParamsSource,
  options: Pick<ResolvedLogtoAuthOptions, 'organizations' | 'tenants'>,
): void {
  if (!requirement) {
    if (options.organizations && isOrganizationToken(user, options)) {
      throw new LogtoAuthException('organization_token_not_accepted');
    }
    return;
  }
  if (user.organizationId === undefined) throw new LogtoAuthException('organization_required');
  // Exact comparison with the decoded path segment: a token for organization A never acts on B's route.
  if (requirement.param !== undefined && request.params?.[requirement.param] !== user.organizationId) {
    throw new LogtoAuthException('organization_mismatch');
  }
}

function isOrganizationToken(user: LogtoUser, options: Pick<ResolvedLogtoAuthOptions, 'tenants'>): boolean {
  return !holdsApiAudience(user.audience, tenantOfIssuer(user.issuer, options.tenants));
}

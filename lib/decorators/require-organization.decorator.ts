import { SetMetadata } from '@nestjs/common';
import { REQUIRE_ORGANIZATION_KEY } from '../logto-auth.constants';

/** What `@RequireOrganization()` asks of a token. */
export interface OrganizationRequirement {
  /** The route parameter that must equal the token's organization id, e.g. `orgId` for `/orgs/:orgId/...`. */
  readonly param?: string;
}

/**
 * Requires a token that acts for an organization (an `organization_id` claim, or an organization token
 * when `organizations: true`); with `param`, for the organization named by that route parameter.
 * Refusals are 403 `auth.organization_required` and `auth.organization_mismatch`. On a handler it
 * replaces the one on its class.
 *
 * @example
 * @Controller('orgs/:orgId/members')
 * @RequireOrganization({ param: 'orgId' })
 * export class MembersController {
 *   @Get() @Scopes('read:members') list(@OrganizationId() orgId: string) {}
 * }
 */
export function RequireOrganization(requirement: OrganizationRequirement = {}): ClassDecorator & MethodDecorator {
  const { param } = requirement;
  if (param !== undefined && (typeof param !== 'string' || param === '')) {
    throw new TypeError('@RequireOrganization(): "param" must name a route parameter');
  }
  return SetMetadata(REQUIRE_ORGANIZATION_KEY, Object.freeze({ ...(param !== undefined && { param }) }));
}

import { Controller, Get } from '@nestjs/common';
import { OrganizationId, RequireOrganization, Scopes } from '../../lib';

/** Organization routes of the README's organizations section, used by the e2e suites. */
@Controller('orgs/:orgId/members')
@RequireOrganization({ param: 'orgId' })
export class OrganizationMembersController {
  @Get()
  @Scopes('read:members')
  list(@OrganizationId() organizationId: string) {
    return { organizationId };
  }
}

@Controller('organization')
export class CurrentOrganizationController {
  @Get()
  @RequireOrganization()
  current(@OrganizationId() organizationId: string) {
    return { organizationId };
  }

  // A param name that the route does not have: must refuse, never compare against undefined and pass.
  @Get('typo/:orgId')
  @RequireOrganization({ param: 'organizationId' })
  typo() {
    return { reached: true };
  }
}

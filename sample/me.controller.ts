import { Controller, Get } from '@nestjs/common';
import { CurrentUser, LogtoUser } from '../lib';

@Controller()
export class MeController {
  /** Any valid token, no scope needed: who is calling, as the module verified it. */
  @Get('me')
  me(@CurrentUser() user: LogtoUser): LogtoUser {
    return user;
  }

  /** Organization-level API resource tokens (requested with `organization_id` and `resource`) carry `organization_id`; other API tokens have none. */
  @Get('organization')
  organization(@CurrentUser('organizationId') organizationId: string | undefined) {
    return { organizationId: organizationId ?? null };
  }
}

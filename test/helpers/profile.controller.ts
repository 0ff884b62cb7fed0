import { Controller, Get } from '@nestjs/common';
import { CurrentUser, LogtoUser } from '../../lib';

/** A route that needs a valid token and no scope. */
@Controller('me')
export class ProfileController {
  @Get()
  me(@CurrentUser() user: LogtoUser) {
    return { ...user, expiresAt: user.expiresAt.toISOString() };
  }
}

import { Controller, Get, Post } from '@nestjs/common';
import { AnyScope, CurrentUser, LogtoUser, Public, Scopes } from '../../lib';

/** The controller of the README's quick start, used by the e2e suites. */
@Controller('documents')
@Scopes('read:documents')
export class DocumentsController {
  @Get()
  list(@CurrentUser() user: LogtoUser) {
    return { user };
  }

  @Post()
  @Scopes('write:documents')
  create(@CurrentUser('sub') sub: string) {
    return { created: true, sub };
  }

  @Get('search')
  @AnyScope('search:all', 'search:own')
  search() {
    return { results: [] };
  }

  @Get('health')
  @Public()
  health() {
    return { ok: true };
  }
}

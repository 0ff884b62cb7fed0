import { Controller, Get, Post } from '@nestjs/common';
import { AnyScope, CurrentUser, LogtoUser, Public, Scopes } from '../lib';

@Controller()
export class DocumentsController {
  @Get('health')
  @Public()
  health() {
    return { ok: true };
  }

  @Get('me')
  me(@CurrentUser() user: LogtoUser) {
    return user;
  }

  @Get('documents')
  @Scopes('read:documents')
  list(@CurrentUser('sub') sub: string) {
    return { owner: sub, documents: [] };
  }

  @Post('documents')
  @Scopes('read:documents', 'write:documents')
  create() {
    return { created: true };
  }

  @Get('documents/search')
  @AnyScope('search:all', 'search:own')
  search() {
    return { results: [] };
  }
}

import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { AnyScope, CurrentUser, LogtoUser, Scopes } from '../../lib';
import { DocumentsService, SampleDocument } from './documents.service';

/** Every route here needs `read:documents` (class level); handlers add their own. */
@Controller('documents')
@Scopes('read:documents')
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Get()
  list(): readonly SampleDocument[] {
    return this.documents.list();
  }

  /** Needs `read:documents` and `write:documents`. */
  @Post()
  @Scopes('write:documents')
  create(@Body() body: { title?: unknown } | undefined, @CurrentUser('sub') sub: string): SampleDocument {
    const title = typeof body?.title === 'string' && body.title !== '' ? body.title.slice(0, 200) : 'Untitled';
    return this.documents.create(title, sub);
  }

  /** Needs `read:documents` and one of `search:all` / `search:own`; `search:own` only finds the caller's. */
  @Get('search')
  @AnyScope('search:all', 'search:own')
  search(@Query('q') q: unknown, @CurrentUser() user: LogtoUser): readonly SampleDocument[] {
    const term = typeof q === 'string' ? q : '';
    return this.documents.search(term, user.scopes.includes('search:all') ? undefined : user.sub);
  }
}

import { Controller, Get, Req } from '@nestjs/common';
import { BenchRequest } from './bench-app-config';

/**
 * `GET /documents` with no decorator of its own, answered with the caller's `sub`: the route of the apps whose
 * guard, if any, is global (unguarded, empty guard, signature alone). The module's and the jose guard's apps
 * declare the same handler on controllers of their own, for their `@Scopes` / `@UseGuards`.
 */
@Controller('documents')
export class PlainDocumentsController {
  @Get()
  list(@Req() request: BenchRequest) {
    return { sub: request.user?.sub ?? 'anonymous' };
  }
}

import { SCOPES_KEY } from '../logto-auth.constants';
import { assertScopeTokens } from '../scopes/scope-token.util';
import { appendMetadata } from './append-metadata.util';

/**
 * Requires every listed scope. On a class it applies to every handler; class and handler scopes add
 * up, and so do several `@Scopes()` on one target.
 *
 * @example
 * @Scopes('read:documents')
 * @Controller('documents')
 * export class DocumentsController {
 *   @Post() @Scopes('write:documents') create() {} // needs read:documents and write:documents
 * }
 */
export function Scopes(...scopes: string[]): ClassDecorator & MethodDecorator {
  assertScopeTokens('Scopes', scopes);
  return appendMetadata(SCOPES_KEY, scopes);
}

import { ANY_SCOPE_KEY } from '../logto-auth.constants';
import { assertScopeTokens } from '../scopes/scope-token.util';
import { appendMetadata } from './append-metadata.util';

/**
 * Requires at least one of the listed scopes. Each `@AnyScope()` (on the class or the handler) is
 * one more such requirement, checked together with `@Scopes()`.
 *
 * @example
 * @Get('search') @AnyScope('search:all', 'search:own') search() {}
 */
export function AnyScope(...scopes: string[]): ClassDecorator & MethodDecorator {
  assertScopeTokens('AnyScope', scopes);
  return appendMetadata(ANY_SCOPE_KEY, [Object.freeze([...scopes])]);
}

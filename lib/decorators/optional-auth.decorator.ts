import { SetMetadata } from '@nestjs/common';
import { OPTIONAL_AUTH_KEY } from '../logto-auth.constants';

/**
 * Makes the token optional on a handler, or every handler of a class, as Auth0's `authRequired: false`:
 * without an Authorization header the handler runs with no user (`@CurrentUser()` is `undefined`); any
 * Authorization header is checked as on a guarded route, so a valid token gives the user and an invalid
 * token, a malformed header or another scheme is refused with 401, never ignored.
 *
 * Fails closed: a `@Scopes()`, `@AnyScope()` or `@RequireOrganization()` that applies to the handler (its
 * own or its class's) wins, and the token is required. On the same target it wins over `@Public()` (it is
 * the stricter of the two); otherwise the handler's marker wins over its class's. Like a class-level
 * `@Public()`, a class-level `@OptionalAuth()` is not inherited by subclasses.
 *
 * @example
 * @Get('articles') @OptionalAuth()
 * list(@CurrentUser() user: LogtoUser | undefined) { return user ? this.all() : this.published(); }
 */
export const OptionalAuth = (): ClassDecorator & MethodDecorator => SetMetadata(OPTIONAL_AUTH_KEY, true);

import { ExecutionContext } from '@nestjs/common';
import { LogtoAuthException } from '../errors/logto-auth.exception';
import { AuthorizationSource } from '../token/bearer-token.extractor';
import { LogtoUser } from '../interfaces/logto-user.interface';
import { RouteParams } from '../scopes/route-organization.rules';

/** What the guard reads the token from and keeps the verified user on: an HTTP request, or a connection. */
export type AuthRequest = AuthorizationSource & { user?: LogtoUser; params?: RouteParams };

/**
 * How one kind of execution context (HTTP, GraphQL, WebSocket, ...) gives the guard its request and
 * hears a refusal, and where `@CurrentUser()` finds the user. The request path itself stays in
 * `LogtoAuthGuard.canActivate`. Add one for another context type with `LogtoAuthContexts.use(type, context)`.
 */
export interface AuthContext {
  /**
   * The request the bearer token is read from; throws a `LogtoAuthException` when there is none. The
   * same object for every guard call of one request (GraphQL: every field) or connection (WebSocket):
   * the guard remembers its verification outcome by it.
   */
  getRequest(context: ExecutionContext): AuthRequest;
  /** Throws when a user verified earlier on this request can no longer be used (WebSocket: expired since). */
  assertStillValid?(context: ExecutionContext, user: LogtoUser): void;
  /**
   * Keeps the verified user where guards after this one and `@CurrentUser()` look for it. Called only
   * once every check passed, so a refused caller is never left attached.
   */
  setUser(context: ExecutionContext, request: AuthRequest, user: LogtoUser): void;
  /** The user `setUser` kept for this execution, for `@CurrentUser()`; `undefined` when there is none. */
  getUser(context: ExecutionContext): LogtoUser | undefined;
  /** The error to throw, in the context's own terms, after any side effect (headers, closing). */
  refuse(context: ExecutionContext, exception: LogtoAuthException): unknown;
}

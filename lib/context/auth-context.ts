import { ExecutionContext } from '@nestjs/common';
import { LogtoAuthException } from '../errors/logto-auth.exception';
import { AuthorizationSource } from '../token/bearer-token';
import { LogtoUser } from '../interfaces/logto-user.interface';
import { RouteParams } from '../organizations/assert-organization';

/** What the guard reads the token from and keeps the verified user on: an HTTP request, or a connection. */
export type AuthRequest = AuthorizationSource & { user?: LogtoUser; params?: RouteParams };

/**
 * How one kind of execution context (HTTP, GraphQL, WebSocket, ...) gives the guard its request and
 * hears a refusal. The request path itself stays in `LogtoAuthGuard.canActivate`.
 */
export interface AuthContext {
  /** The request the bearer token is read from; throws a `LogtoAuthException` when there is none. */
  getRequest(context: ExecutionContext): AuthRequest;
  /** A user the connection proved before and who is still valid (WebSocket); `undefined`: verify now. */
  provenUser?(request: AuthRequest): LogtoUser | undefined;
  /** Keeps the verified user where guards after this one and `@CurrentUser()` look for it. */
  setUser(context: ExecutionContext, request: AuthRequest, user: LogtoUser): void;
  /** The error to throw, in the context's own terms, after any side effect (headers, closing). */
  refuse(context: ExecutionContext, exception: LogtoAuthException): unknown;
}

import { ExecutionContext } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { LogtoAuthException } from '../errors/logto-auth.exception';
import { challengeHeaders } from '../errors/www-authenticate.header';
import { LogtoUser } from '../interfaces/logto-user.interface';
import { AuthContext, AuthRequest } from './auth-context.interface';

/** REST controllers on Express or Fastify: the body is Nest's, the RFC 6750 challenge goes in the headers. */
export class HttpAuthContext implements AuthContext {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly realm: string,
  ) {}

  // The request is the first argument of an HTTP execution: what switchToHttp().getRequest() returns, without
  // the three closures switchToHttp() assigns to the context on every call.
  getRequest(context: ExecutionContext): AuthRequest {
    return context.getArgByIndex<AuthRequest>(0);
  }

  getUser(context: ExecutionContext): LogtoUser | undefined {
    return this.getRequest(context).user;
  }

  setUser(_context: ExecutionContext, request: AuthRequest, user: LogtoUser): void {
    request.user = user;
  }

  refuse(context: ExecutionContext, exception: LogtoAuthException): LogtoAuthException {
    const response = context.switchToHttp().getResponse();
    for (const [name, value] of Object.entries(challengeHeaders(exception, this.realm))) {
      this.adapterHost.httpAdapter.setHeader(response, name, value);
    }
    return exception;
  }
}

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

  getRequest(context: ExecutionContext): AuthRequest {
    return context.switchToHttp().getRequest<AuthRequest>();
  }

  getUser(context: ExecutionContext): LogtoUser | undefined {
    return context.switchToHttp().getRequest<AuthRequest>().user;
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

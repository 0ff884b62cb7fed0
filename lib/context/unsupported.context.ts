import { ExecutionContext } from '@nestjs/common';
import { LogtoAuthException } from '../errors/logto-auth.exception';
import { AuthContext, AuthRequest } from './auth-context.interface';
import { refusalPayload } from './refusal.payload';

/**
 * Microservice transports and any other context: there is no bearer token to read, so every handler
 * that is not `@Public()` is refused (a guard that let them through would leave them unprotected).
 */
export class UnsupportedAuthContext implements AuthContext {
  getRequest(): AuthRequest {
    throw new LogtoAuthException('execution_context_not_supported');
  }

  setUser(): void {}

  getUser(): undefined {
    return undefined;
  }

  async refuse(context: ExecutionContext, exception: LogtoAuthException): Promise<unknown> {
    if (context.getType() !== 'rpc') return exception;
    // An RpcException reaches the caller as its payload; anything else as "Internal server error".
    const { RpcException } = await import('@nestjs/microservices');
    return new RpcException({ status: 'error', ...refusalPayload(exception) });
  }
}

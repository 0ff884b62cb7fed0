import { ExecutionContext, HttpStatus } from '@nestjs/common';
import { LogtoAuthException } from '../errors/logto-auth.exception';
import { LogtoUser } from '../interfaces/logto-user.interface';
import { AuthContext, AuthRequest } from './auth-context.interface';
import { AuthConnection, ConnectionExpiry, rememberUser } from './auth.connection';
import { globalGuardsReachGateways } from './gateway-guard.check';
import { refusalPayload } from './refusal.payload';
import { gatewayConnection, gatewayTransport, isWsClient, sendWsRefusal, socketUser } from './socket.connection';

/**
 * Gateways (`@nestjs/websockets`) on Socket.IO (`@nestjs/platform-socket.io`) or plain `ws`
 * (`@nestjs/platform-ws`): the connection's token is verified once, then every message checks only that it
 * has not expired since; the connection is closed when it expires. Refusals are `WsException`s carrying
 * the module's code. A Socket.IO socket's token is read from its handshake (at the first message, or at
 * `authenticateConnection`); a `ws` client's from the upgrade request, which only `handleConnection` sees.
 */
export class WebSocketAuthContext implements AuthContext {
  private readonly expiry: ConnectionExpiry;
  // NestJS 11's exception filter only emits a refusal locally on a `ws` client (12 sends it).
  private readonly filterSendsToWsClients = globalGuardsReachGateways();

  constructor(clockToleranceSeconds: number) {
    this.expiry = new ConnectionExpiry(clockToleranceSeconds);
  }

  getRequest(context: ExecutionContext): AuthRequest {
    return this.connection(context.switchToWs().getClient<object>()).request;
  }

  getUser(context: ExecutionContext): LogtoUser | undefined {
    return socketUser(context.switchToWs().getClient());
  }

  private connection(client: object): AuthConnection {
    return gatewayConnection(client);
  }

  assertStillValid(context: ExecutionContext, user: LogtoUser): void {
    this.keepWhileValid(context.switchToWs().getClient<object>(), user);
  }

  /** Refuses a user whose token has expired since the connection opened; else arms the close at its expiry (once). */
  keepWhileValid(client: object, user: LogtoUser): void {
    this.expiry.keepWhileValid(this.connection(client), user);
  }

  setUser(context: ExecutionContext, _request: AuthRequest, user: LogtoUser): void {
    rememberUser(this.connection(context.switchToWs().getClient<object>()), user);
  }

  async refuse(context: ExecutionContext, exception: LogtoAuthException): Promise<unknown> {
    const { WsException } = await import('@nestjs/websockets');
    const client = context.switchToWs().getClient<object>();
    if (exception.rule.status === HttpStatus.UNAUTHORIZED) {
      // These credentials cannot become valid on this connection (the handshake is fixed): tell the
      // client why and close it now, so the messages queued behind this one are dropped with it. The
      // exception filter's own copy of the refusal then goes to a closed socket and is not sent.
      this.refuseConnection(client, exception);
    } else if (isWsClient(client) && !this.filterSendsToWsClients) {
      sendWsRefusal(client, exception);
    }
    return new WsException({ status: 'error', ...refusalPayload(exception) });
  }

  /** A connection refused: told why (Socket.IO: an `exception` event; `ws`: an `exception` message), then closed. */
  refuseConnection(client: object, exception: LogtoAuthException): void {
    gatewayTransport(client).refuse(exception);
  }
}

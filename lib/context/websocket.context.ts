import { ExecutionContext, HttpStatus } from '@nestjs/common';
import { LogtoAuthException } from '../errors/logto-auth.exception';
import { LogtoUser } from '../interfaces/logto-user.interface';
import { AuthContext, AuthRequest } from './auth-context';
import { refusalPayload } from './refusal-payload';
import { SocketClient, socketConnection, SocketConnection } from './socket-connection';

// setTimeout's longest delay; a longer token lifetime re-arms the timer.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Socket.IO gateways (`@nestjs/websockets` with `@nestjs/platform-socket.io`): the handshake token is
 * verified once per connection, then every message checks only that it has not expired since; the
 * connection is closed when it expires. Refusals are `WsException`s carrying the module's code.
 */
export class WebSocketAuthContext implements AuthContext {
  constructor(private readonly clockToleranceSeconds: number) {}

  getRequest(context: ExecutionContext): AuthRequest {
    return this.connectionRequest(context.switchToWs().getClient<SocketClient>());
  }

  connectionRequest(client: SocketClient): AuthRequest {
    return socketConnection(client).request;
  }

  assertStillValid(context: ExecutionContext, user: LogtoUser): void {
    this.keepWhileValid(context.switchToWs().getClient<SocketClient>(), user);
  }

  /** Refuses a user whose token has expired since the handshake; else arms the close at its expiry (once). */
  keepWhileValid(client: SocketClient, user: LogtoUser): void {
    const closesAt = this.closesAt(user);
    if (Date.now() >= closesAt) throw new LogtoAuthException('expired');
    const connection = socketConnection(client);
    // A client gone while its token was being verified: no timer to hold it until exp.
    if (connection.closesAt !== undefined || client.connected === false) return;
    connection.closesAt = closesAt;
    this.closeOnExpiry(client, connection, closesAt);
  }

  setUser(context: ExecutionContext, request: AuthRequest, user: LogtoUser): void {
    this.remember(context.switchToWs().getClient<SocketClient>(), request, user);
  }

  /** Keeps the user for the connection's life, until its token expires: call only once every check passed. */
  remember(client: SocketClient, request: AuthRequest, user: LogtoUser): void {
    if (request.user) return; // one handshake token: the user of a connection never changes
    request.user = user;
    // Socket.IO's own place for per-connection data, where a gateway's other guards look.
    if (typeof client.data === 'object' && client.data !== null) (client.data as { user?: LogtoUser }).user = user;
  }

  async refuse(context: ExecutionContext, exception: LogtoAuthException): Promise<unknown> {
    const { WsException } = await import('@nestjs/websockets');
    if (exception.rule.status === HttpStatus.UNAUTHORIZED) {
      // These credentials cannot become valid on this connection (the handshake is fixed): tell the
      // client why and close it now, so the messages queued behind this one are dropped with it. The
      // exception filter's own copy of the refusal then goes to a closed socket and is not sent.
      this.refuseConnection(context.switchToWs().getClient<SocketClient>(), exception);
    }
    return new WsException({ status: 'error', ...refusalPayload(exception) });
  }

  /** A connection refused: told why (as `exception`, like a refused message), then closed. */
  refuseConnection(client: SocketClient, exception: LogtoAuthException): void {
    if (client.connected === false) return;
    client.emit?.('exception', { status: 'error', ...refusalPayload(exception) });
    client.disconnect?.(true);
  }

  // The same instant at which an HTTP request with this token starts being refused.
  private closesAt(user: LogtoUser): number {
    return user.expiresAt.getTime() + this.clockToleranceSeconds * 1000;
  }

  private closeOnExpiry(client: SocketClient, connection: SocketConnection, closesAt: number): void {
    const arm = () => {
      const delay = closesAt - Date.now();
      if (delay > 0) {
        connection.closeTimer = setTimeout(arm, Math.min(delay, MAX_TIMER_MS));
        connection.closeTimer.unref?.();
        return;
      }
      this.refuseConnection(client, new LogtoAuthException('expired'));
    };
    client.once?.('disconnect', () => clearTimeout(connection.closeTimer));
    arm();
  }
}

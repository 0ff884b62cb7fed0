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

  provenUser(request: AuthRequest): LogtoUser | undefined {
    const user = request.user;
    if (user && Date.now() >= this.closesAt(user)) throw new LogtoAuthException('expired');
    return user;
  }

  setUser(context: ExecutionContext, request: AuthRequest, user: LogtoUser): void {
    this.remember(context.switchToWs().getClient<SocketClient>(), request, user);
  }

  /** Keeps the user for the connection's life, until its token expires. */
  remember(client: SocketClient, request: AuthRequest, user: LogtoUser): void {
    // Set once: messages verified side by side carry the same handshake token, and one timer is enough.
    if (request.user) return;
    request.user = user;
    // Socket.IO's own place for per-connection data, where a gateway's other guards look.
    if (typeof client.data === 'object' && client.data !== null) (client.data as { user?: LogtoUser }).user = user;
    // A client gone while its token was being verified: no timer to hold it until exp.
    if (client.connected !== false) this.closeOnExpiry(client, socketConnection(client), this.closesAt(user));
  }

  async refuse(context: ExecutionContext, exception: LogtoAuthException): Promise<unknown> {
    const { WsException } = await import('@nestjs/websockets');
    if (exception.rule.status === HttpStatus.UNAUTHORIZED) {
      // These credentials cannot become valid on this connection (the handshake is fixed): close it,
      // after Nest's exception filter has sent the refusal.
      const client = context.switchToWs().getClient<SocketClient>();
      setImmediate(() => client.disconnect?.(true));
    }
    return new WsException({ status: 'error', ...refusalPayload(exception) });
  }

  /** A connection refused as it opens: told why (as `exception`, like a refused message), then closed. */
  refuseConnection(client: SocketClient, exception: LogtoAuthException): void {
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

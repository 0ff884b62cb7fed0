import { HttpStatus } from '@nestjs/common';
import { LogtoAuthException } from '../errors/logto-auth.exception';
import { LogtoUser } from '../interfaces/logto-user.interface';
import { AuthRequest } from './auth-context.interface';

/** How the module talks to one long-lived connection (Socket.IO, plain `ws`, graphql-ws): duck-typed. */
export interface ConnectionTransport {
  /** Whether the client is gone (no timer is armed for it, nothing is sent to it). */
  readonly closed: boolean;
  onClose(listener: () => void): void;
  /** Tells the client why, in the transport's own terms, and closes the connection. */
  refuse(exception: LogtoAuthException): void;
  /** Keeps the user where the transport's own handlers look (Socket.IO: `socket.data.user`). */
  attach?(user: LogtoUser): void;
}

/** One connection's authentication state: its credentials (read once: they cannot change) and, once proved, its user. */
export interface AuthConnection {
  readonly request: AuthRequest;
  readonly transport: ConnectionTransport;
  closeTimer?: ReturnType<typeof setTimeout>;
  /** Set once the close at the token's expiry is armed. */
  closesAt?: number;
}

const connections = new WeakMap<object, AuthConnection>();

/** The connection registered under `key` (a client, a socket, an upgrade request), if any. */
export function connectionOf(key: unknown): AuthConnection | undefined {
  return typeof key === 'object' && key !== null ? connections.get(key) : undefined;
}

/** Registers a connection under every object that identifies it (each resolver or handler sees one of them). */
export function registerConnection(keys: readonly object[], connection: AuthConnection): AuthConnection {
  for (const key of keys) connections.set(key, connection);
  return connection;
}

/** Keeps the user for the connection's life: call only once every check passed. Its user never changes. */
export function rememberUser(connection: AuthConnection, user: LogtoUser): void {
  if (connection.request.user) return;
  connection.request.user = user;
  connection.transport.attach?.(user);
}

/**
 * WebSocket close codes of a refusal: graphql-ws's 4401 / 4403 for the 401 / 403 statuses, and RFC 6455's
 * 1013 (try again later) for an outage. The reason is the module's code: a close reason holds 123 bytes.
 */
export function closeCodeOf(exception: LogtoAuthException): number {
  if (exception.rule.status === HttpStatus.SERVICE_UNAVAILABLE) return 1013;
  return exception.rule.status === HttpStatus.UNAUTHORIZED ? 4401 : 4403;
}

/** The parts of a `ws` WebSocket the module closes: a `@nestjs/platform-ws` client and a graphql-ws socket alike. */
export interface WsSocket {
  readonly readyState: number;
  close(code?: number, reason?: string): unknown;
  once(event: string, listener: () => void): unknown;
}

export const WS_OPEN = 1;

/**
 * The transport of a `ws` socket (`undefined`: none, so nothing to close): a refusal closes it with
 * `closeCodeOf` and the module's code as reason, after `tellWhy` (the plain `ws` adapter's message).
 */
export function wsSocketTransport(socket: WsSocket | undefined, tellWhy?: (exception: LogtoAuthException) => void): ConnectionTransport {
  const open = () => socket?.readyState === WS_OPEN;
  return {
    get closed() {
      return !open();
    },
    onClose: (listener) => socket?.once('close', listener),
    refuse(exception) {
      if (!socket || !open()) return;
      tellWhy?.(exception);
      socket.close(closeCodeOf(exception), exception.rule.code);
    },
  };
}

// setTimeout's longest delay; a longer token lifetime re-arms the timer.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A connection outlives its token: every later message checks `exp` (+ clockTolerance), and the connection
 * is closed at that instant, the same at which an HTTP request with this token starts being refused.
 */
export class ConnectionExpiry {
  constructor(private readonly clockToleranceSeconds: number) {}

  /** Refuses a user whose token has expired since the connection opened; else arms the close at its expiry (once). */
  keepWhileValid(connection: AuthConnection, user: LogtoUser): void {
    const closesAt = this.closesAt(user);
    if (Date.now() >= closesAt) throw new LogtoAuthException('expired');
    // A client gone while its token was being verified: no timer to hold it until exp.
    if (connection.closesAt !== undefined || connection.transport.closed) return;
    connection.closesAt = closesAt;
    this.closeOnExpiry(connection, closesAt);
  }

  private closesAt(user: LogtoUser): number {
    return user.expiresAt.getTime() + this.clockToleranceSeconds * 1000;
  }

  private closeOnExpiry(connection: AuthConnection, closesAt: number): void {
    const arm = () => {
      const delay = closesAt - Date.now();
      if (delay > 0) {
        connection.closeTimer = setTimeout(arm, Math.min(delay, MAX_TIMER_MS));
        connection.closeTimer.unref?.();
        return;
      }
      connection.transport.refuse(new LogtoAuthException('expired'));
    };
    connection.transport.onClose(() => clearTimeout(connection.closeTimer));
    arm();
  }
}

import { LogtoAuthException } from '../errors/logto-auth.exception';
import { LogtoUser } from '../interfaces/logto-user.interface';
import { readAuthorizationHeader } from '../token/bearer-token';
import { AuthRequest } from './auth-context';

/** The parts of a Socket.IO server-side socket the module uses (duck-typed: `socket.io` stays optional). */
export interface SocketClient {
  readonly handshake?: {
    readonly headers?: { readonly authorization?: unknown };
    readonly auth?: { readonly token?: unknown };
  };
  /** The handshake's HTTP request: its raw header list shows an Authorization header sent twice. */
  readonly request?: { readonly rawHeaders?: readonly string[] };
  readonly data?: unknown;
  readonly connected?: boolean;
  emit?(event: string, payload: unknown): unknown;
  disconnect?(close?: boolean): unknown;
  once?(event: string, listener: () => void): unknown;
}

/** One connection's authentication state: its handshake credentials and, once proved, its user. */
export interface SocketConnection {
  readonly request: AuthRequest;
  closeTimer?: ReturnType<typeof setTimeout>;
  /** Set once the close at the token's expiry is armed. */
  closesAt?: number;
}

const connections = new WeakMap<object, SocketConnection>();

/** The connection's state, created on first use from the handshake (read once: it cannot change). */
export function socketConnection(client: SocketClient): SocketConnection {
  let connection = connections.get(client);
  if (!connection) {
    connection = { request: { headers: { authorization: handshakeAuthorization(client) } } };
    connections.set(client, connection);
  }
  return connection;
}

/** The user a connection proved, for `@CurrentUser()`; `undefined` before that or for other clients. */
export function socketUser(client: unknown): LogtoUser | undefined {
  return typeof client === 'object' && client !== null ? connections.get(client)?.request.user : undefined;
}

/**
 * The handshake's credentials as an Authorization header value: the `Authorization` header (Node
 * clients) or `auth.token` (browsers cannot set headers on a WebSocket), a bare token or `Bearer <token>`.
 */
function handshakeAuthorization(client: SocketClient): string | undefined {
  const handshake = client.handshake;
  if (!handshake) throw new LogtoAuthException('execution_context_not_supported');
  // As on HTTP: Node keeps only the first of two Authorization headers; the raw list shows the second.
  const header = readAuthorizationHeader({ headers: handshake.headers as AuthRequest['headers'], rawHeaders: client.request?.rawHeaders });
  const token = handshake.auth?.token;
  if (header !== undefined && token !== undefined) {
    // Two sources that may disagree: refuse the ambiguity rather than pick one (as with two headers).
    throw new LogtoAuthException('invalid_header_format');
  }
  if (token === undefined) return typeof header === 'string' ? header : undefined;
  if (typeof token !== 'string') throw new LogtoAuthException('invalid_header_format');
  return /^bearer\s/i.test(token) ? token : `Bearer ${token}`;
}

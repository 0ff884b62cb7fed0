import { LogtoAuthException } from '../errors/logto-auth.exception';
import { LogtoUser } from '../interfaces/logto-user.interface';
import { AuthorizationSource, readAuthorizationHeader } from '../token/bearer-token.extractor';
import { AuthRequest } from './auth-context.interface';
import { AuthConnection, connectionOf, ConnectionTransport, registerConnection, WS_OPEN, WsSocket, wsSocketTransport } from './auth.connection';
import { refusalPayload } from './refusal.payload';

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

/** The parts of a `ws` server-side WebSocket (`@nestjs/platform-ws`) the module uses. */
export interface WsClient extends WsSocket {
  send(data: string): unknown;
}

/** A `ws` WebSocket (numeric `readyState`, as Nest's own exception filter tells them apart), not a Socket.IO socket. */
export function isWsClient(client: unknown): client is WsClient {
  const candidate = client as Partial<WsClient> | null;
  return typeof candidate?.readyState === 'number' && typeof candidate.send === 'function' && typeof candidate.close === 'function';
}

/**
 * A gateway client's connection, created on first use: a Socket.IO socket's from its handshake; a `ws`
 * client's from the upgrade request given to `authenticateConnection` (the client does not keep it), so
 * a `ws` client that was never authenticated as it connected has no credentials: fail closed.
 */
export function gatewayConnection(client: object, upgradeRequest?: AuthorizationSource): AuthConnection {
  const known = connectionOf(client);
  if (known) return known;
  let authorization: string | undefined;
  if (isWsClient(client)) {
    if (!upgradeRequest) throw new LogtoAuthException('execution_context_not_supported');
    authorization = readAuthorizationHeader(upgradeRequest);
  } else {
    authorization = handshakeAuthorization(client as SocketClient);
  }
  return registerConnection([client], { request: { headers: { authorization } }, transport: gatewayTransport(client) });
}

/** The user a gateway client's connection proved, for `@CurrentUser()`; `undefined` before that. */
export function socketUser(client: unknown): LogtoUser | undefined {
  return connectionOf(client)?.request.user;
}

/** How a refusal reaches a gateway client: Socket.IO's `exception` event, or the `ws` adapter's `{ event, data }` message. */
export function gatewayTransport(client: object): ConnectionTransport {
  return isWsClient(client) ? wsSocketTransport(client, (exception) => sendWsRefusal(client, exception)) : socketIoTransport(client as SocketClient);
}

/** Sends a refusal as `@nestjs/platform-ws` sends an event: `{ "event": "exception", "data": { status, code, message } }`. */
export function sendWsRefusal(client: WsClient, exception: LogtoAuthException): void {
  if (client.readyState !== WS_OPEN) return;
  client.send(JSON.stringify({ event: 'exception', data: { status: 'error', ...refusalPayload(exception) } }));
}

function socketIoTransport(client: SocketClient): ConnectionTransport {
  return {
    get closed() {
      return client.connected === false;
    },
    onClose: (listener) => client.once?.('disconnect', listener),
    // Told why (as `exception`, like a refused message), then closed.
    refuse(exception) {
      if (client.connected === false) return;
      client.emit?.('exception', { status: 'error', ...refusalPayload(exception) });
      client.disconnect?.(true);
    },
    // Socket.IO's own place for per-connection data, where a gateway's other guards look.
    attach(user) {
      if (typeof client.data === 'object' && client.data !== null) (client.data as { user?: LogtoUser }).user = user;
    },
  };
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

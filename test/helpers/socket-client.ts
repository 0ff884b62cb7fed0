import { INestApplication } from '@nestjs/common';
import { AddressInfo } from 'node:net';
import { io, Socket } from 'socket.io-client';

/** Starts the app's HTTP server (and so its Socket.IO server) on 127.0.0.1, port 0; returns its URL. */
export async function listenOnLoopback(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

export interface SocketCredentials {
  /** Sent as the handshake's `auth.token`. */
  readonly authToken?: unknown;
  /** Sent as the handshake's `Authorization` header. */
  readonly authorization?: string;
}

/** A real Socket.IO client over the WebSocket transport that never reconnects; call `connect()` on it. */
export function openSocket(url: string, { authToken, authorization }: SocketCredentials = {}): Socket {
  return io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    autoConnect: false,
    ...(authToken !== undefined ? { auth: { token: authToken } } : {}),
    ...(authorization !== undefined ? { extraHeaders: { authorization } } : {}),
  });
}

/** Like `openSocket`, connected. */
export async function connectSocket(url: string, credentials: SocketCredentials = {}): Promise<Socket> {
  const socket = openSocket(url, credentials).connect();
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

/** The next `event` the socket receives. */
export function nextEvent<T = unknown>(socket: Socket, event: string): Promise<T> {
  return new Promise((resolve) => socket.once(event, (payload: T) => resolve(payload)));
}

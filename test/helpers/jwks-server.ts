import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';

/** What the JWKS endpoint answers; `keys` is the normal case, the rest are outages and garbage. */
export type JwksBehaviour =
  | { kind: 'keys'; keys: readonly object[]; delayMs?: number }
  | { kind: 'status'; status: number }
  | { kind: 'body'; contentType: string; body: string }
  | { kind: 'redirect'; location: string }
  | { kind: 'hang' }
  | { kind: 'trickle' }
  /** A 200 of `bytes` spaces, written as fast as the client reads, with or without Content-Length. */
  | { kind: 'large'; bytes: number; declareLength: boolean }
  | { kind: 'destroy' };

export interface JwksServer {
  /** The Logto endpoint: issuer `${endpoint}/oidc`, JWKS `${endpoint}/oidc/jwks`. */
  readonly endpoint: string;
  readonly issuer: string;
  readonly jwksUri: string;
  /** Requests to /oidc/jwks so far. */
  readonly requests: number;
  /** Requests to any other path (a token must never make the module follow jku/x5u). */
  readonly strayRequests: readonly string[];
  /**
   * Connections that carried a JWKS request and are still open, as the server sees them. (An idle
   * connection that Node's fetch opens in advance after an aborted request is not counted: it has
   * carried nothing, and fetch closes it after its keep-alive timeout.)
   */
  readonly openConnections: number;
  /** Bytes of the last 'large' body written before it finished or the client went away. */
  readonly largeBodyWritten: number;
  set(behaviour: JwksBehaviour): void;
  setKeys(keys: readonly object[]): void;
  resetCount(): void;
  /** Stops listening (connection refused) until `restart`, which listens on the same port again. */
  stop(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A real JWKS endpoint on 127.0.0.1, port 0, laid out as Logto lays it out. */
export async function startJwksServer(keys: readonly object[] = []): Promise<JwksServer> {
  let behaviour: JwksBehaviour = { kind: 'keys', keys };
  let requests = 0;
  let largeBodyWritten = 0;
  const strayRequests: string[] = [];
  const connections = new Set<Socket>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    if (request.url !== '/oidc/jwks') {
      strayRequests.push(request.url ?? '');
      response.writeHead(404).end();
      return;
    }
    requests++;
    connections.add(request.socket);
    switch (behaviour.kind) {
      case 'keys': {
        const body = JSON.stringify({ keys: behaviour.keys });
        const answer = () => response.writeHead(200, { 'content-type': 'application/json' }).end(body);
        if (behaviour.delayMs) setTimeout(answer, behaviour.delayMs);
        else answer();
        return;
      }
      case 'status':
        response.writeHead(behaviour.status).end();
        return;
      case 'body':
        response.writeHead(200, { 'content-type': behaviour.contentType }).end(behaviour.body);
        return;
      case 'redirect':
        response.writeHead(302, { location: behaviour.location }).end();
        return;
      case 'hang':
        return; // never answers; the client must give up on its own
      case 'trickle': {
        // answers one byte at a time, never finishing: a socket idle timeout never fires
        response.writeHead(200, { 'content-type': 'application/json' });
        const timer = setInterval(() => response.write(' '), 20);
        response.on('close', () => clearInterval(timer));
        return;
      }
      case 'large':
        writeLarge(response, behaviour.bytes, behaviour.declareLength, (written) => (largeBodyWritten = written));
        return;
      case 'destroy':
        request.socket.destroy();
        return;
    }
  });
  server.on('connection', (socket: Socket) => socket.on('close', () => connections.delete(socket)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    endpoint,
    issuer: `${endpoint}/oidc`,
    jwksUri: `${endpoint}/oidc/jwks`,
    get requests() {
      return requests;
    },
    strayRequests,
    get openConnections() {
      return connections.size;
    },
    get largeBodyWritten() {
      return largeBodyWritten;
    },
    set: (next) => (behaviour = next),
    setKeys: (next) => (behaviour = { kind: 'keys', keys: next }),
    resetCount: () => (requests = 0),
    stop,
    restart: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    close: () => (server.listening ? stop() : Promise.resolve()),
  };
}

// Writes in 64 KiB chunks, waiting for the client to drain each: what was written is what the client read
// (up to the socket buffers), and the count stops when the client closes the connection.
function writeLarge(response: ServerResponse, bytes: number, declareLength: boolean, report: (written: number) => void) {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let written = 0;
  report(0);
  response.writeHead(200, { 'content-type': 'application/json', ...(declareLength && { 'content-length': String(bytes) }) });
  const pump = () => {
    while (written < bytes && !response.destroyed) {
      const part = chunk.subarray(0, Math.min(chunk.length, bytes - written));
      written += part.length;
      report(written);
      if (!response.write(part)) return void response.once('drain', pump);
    }
    if (written >= bytes) response.end();
  };
  pump();
}

import { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback } from '../../lib/testing/loopback-server';

/** What the JWKS endpoint answers; `keys` is the normal case, the rest are outages and garbage. */
export type JwksBehaviour =
  | { kind: 'keys'; keys: readonly object[]; delayMs?: number }
  | { kind: 'status'; status: number }
  | { kind: 'body'; contentType: string; body: string }
  | { kind: 'redirect'; location: string }
  | { kind: 'hang' }
  | { kind: 'trickle' }
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
  set(behaviour: JwksBehaviour): void;
  setKeys(keys: readonly object[]): void;
  resetCount(): void;
  close(): Promise<void>;
}

/**
 * A real JWKS endpoint on 127.0.0.1, port 0, laid out as Logto lays it out, on the loopback server of
 * nestjs-logto/testing; unlike its issuer, it can also misbehave (outages, garbage) on demand.
 */
export async function startJwksServer(keys: readonly object[] = []): Promise<JwksServer> {
  let behaviour: JwksBehaviour = { kind: 'keys', keys };
  let requests = 0;
  const strayRequests: string[] = [];
  const server = await listenOnLoopback((request: IncomingMessage, response: ServerResponse) => {
    if (request.url !== '/oidc/jwks') {
      strayRequests.push(request.url ?? '');
      response.writeHead(404).end();
      return;
    }
    requests++;
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
      case 'destroy':
        request.socket.destroy();
        return;
    }
  });
  const endpoint = server.origin;
  return {
    endpoint,
    issuer: `${endpoint}/oidc`,
    jwksUri: `${endpoint}/oidc/jwks`,
    get requests() {
      return requests;
    },
    strayRequests,
    set: (next) => (behaviour = next),
    setKeys: (next) => (behaviour = { kind: 'keys', keys: next }),
    resetCount: () => (requests = 0),
    close: () => server.close(),
  };
}

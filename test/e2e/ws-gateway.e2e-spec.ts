import { INestApplication, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { WsAdapter } from '@nestjs/platform-ws';
import { OnGatewayConnection, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { CurrentUser, LogtoAuthGuard, LogtoAuthModule, LogtoUser, Public, Scopes } from '../../lib';
import { ConnectionExpiry } from '../../lib/context/auth.connection';
import { globalGuardsReachGateways } from '../../lib/context/gateway-guard.check';
import { AccessTokenVerifier } from '../../lib/token/access-token.verifier';
import { createTestKey } from '../helpers/keys';
import { JwksServer, startJwksServer } from '../helpers/jwks-server';
import { signAccessToken, TEST_AUDIENCE } from '../helpers/sign-token';
import { listenOnLoopback } from '../helpers/socket-client';
import { ADAPTERS, AdapterName } from '../helpers/test-app';

// NestJS 11 runs no global guard on gateways (the module refuses to start if a gateway lacks its own).
const ownGuardOnNest11: ClassDecorator = globalGuardsReachGateways() ? () => undefined : UseGuards(LogtoAuthGuard);

/** A gateway on the plain `ws` adapter that verifies each client's upgrade request as it connects. */
@WebSocketGateway({ path: '/ws' })
@ownGuardOnNest11
@Scopes('read:documents')
class WsDocumentsGateway implements OnGatewayConnection {
  constructor(private readonly logtoAuth: LogtoAuthGuard) {}

  handleConnection(client: WebSocket, request: IncomingMessage) {
    return this.logtoAuth.authenticateConnection(client, request);
  }

  @SubscribeMessage('whoami') whoami(@CurrentUser() user: LogtoUser) {
    return { event: 'whoami', data: { sub: user.sub, scopes: user.scopes } };
  }

  @SubscribeMessage('create') @Scopes('write:documents') create(@CurrentUser('sub') sub: string) {
    return { event: 'created', data: { sub } };
  }
}

/** A `ws` gateway that forgot `authenticateConnection`: its guarded messages are refused, its public ones served. */
@WebSocketGateway({ path: '/forgetful' })
@ownGuardOnNest11
class ForgetfulGateway {
  @SubscribeMessage('whoami') whoami(@CurrentUser('sub') sub: string) {
    return { event: 'whoami', data: { sub } };
  }

  @SubscribeMessage('ping') @Public() ping() {
    return { event: 'pong', data: null };
  }
}

interface Message {
  readonly event: string;
  readonly data: unknown;
}

/** A real `ws` client: its messages in order, and how it was closed. */
class WsTestClient {
  private readonly messages: Message[] = [];
  private readonly waiters: ((message: Message) => void)[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as Message;
      const waiter = this.waiters.shift();
      if (waiter) waiter(message);
      else this.messages.push(message);
    });
    this.opened = new Promise((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }

  send(event: string, data: unknown = {}) {
    this.socket.send(JSON.stringify({ event, data }));
  }

  next(): Promise<Message> {
    const queued = this.messages.shift();
    return queued ? Promise.resolve(queued) : new Promise((resolve) => this.waiters.push(resolve));
  }
}

async function createWsApp(adapter: AdapterName, endpoint: string): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    // clockTolerance 0: the connection closes at exp itself.
    imports: [LogtoAuthModule.forRoot({ endpoint, audience: TEST_AUDIENCE, clockTolerance: 0 })],
    providers: [WsDocumentsGateway, ForgetfulGateway],
  }).compile();
  const app = moduleRef.createNestApplication(adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(), { logger: false, abortOnError: false });
  app.useWebSocketAdapter(new WsAdapter(app));
  await app.init();
  if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
  return app;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe.each(ADAPTERS)('gateways on the plain ws adapter (@nestjs/platform-ws) over %s', (adapter) => {
  const key = createTestKey('ES384');
  let jwks: JwksServer;
  let app: INestApplication;
  let url: string;
  const clients: WsTestClient[] = [];

  const token = (claims: Record<string, unknown> = {}) => signAccessToken({ key, issuer: jwks.issuer, claims });
  // An array is sent as two header lines (Node allows it; the ws typings do not say so).
  const open = (path: string, authorization?: string | string[]) => {
    const client = new WsTestClient(new WebSocket(`${url}${path}`, authorization === undefined ? {} : { headers: { authorization: authorization as string } }));
    clients.push(client);
    return client;
  };
  const connect = async (authorization?: string | string[]) => {
    const client = open('/ws', authorization);
    await client.opened;
    return client;
  };

  beforeAll(async () => {
    jwks = await startJwksServer([key.jwk]);
    app = await createWsApp(adapter, jwks.endpoint);
    url = (await listenOnLoopback(app)).replace('http', 'ws');
  });
  afterEach(() => {
    vi.restoreAllMocks();
    clients.splice(0).forEach((client) => client.socket.close());
  });
  afterAll(async () => {
    await app?.close();
    await jwks?.close();
  });

  it("accepts the upgrade request's Authorization header, with @CurrentUser()", async () => {
    const client = await connect(`Bearer ${token()}`);
    client.send('whoami');
    expect(await client.next()).toEqual({ event: 'whoami', data: { sub: 'user-1', scopes: ['read:documents'] } });
  });

  it('verifies the token once per connection, not once per message', async () => {
    const verify = vi.spyOn(app.get(AccessTokenVerifier), 'verify');
    const client = await connect(`Bearer ${token()}`);
    for (let i = 0; i < 3; i++) {
      client.send('whoami');
      expect(await client.next()).toMatchObject({ event: 'whoami', data: { sub: 'user-1' } });
    }
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['no token', () => undefined, 'auth.authorization_header_missing', 'The Authorization header is missing.'],
    ['an expired token', () => `Bearer ${token({ exp: nowSeconds() - 60 })}`, 'invalid_token', 'The access token has expired.'],
    ['a token for another API', () => `Bearer ${token({ aud: 'https://other.example.com' })}`, 'invalid_token', 'The access token was not issued for this API.'],
  ])('refuses a connection with %s as it opens: an exception message, then closed with 4401', async (_name, authorization, code, message) => {
    const client = open('/ws', authorization());
    expect(await client.next()).toEqual({ event: 'exception', data: { status: 'error', code, message } });
    expect(await client.closed).toEqual({ code: 4401, reason: code });
  });

  it('refuses two Authorization headers, as HTTP does', async () => {
    const client = open('/ws', [`Bearer ${token()}`, `Bearer ${token({ sub: 'user-2' })}`]);
    expect(await client.next()).toMatchObject({ event: 'exception', data: { status: 'error', code: 'auth.authorization_token_invalid_format' } });
    expect(await client.closed).toEqual({ code: 4401, reason: 'auth.authorization_token_invalid_format' });
  });

  it('refuses a missing scope with one exception message and keeps the connection open', async () => {
    const client = await connect(`Bearer ${token()}`);
    client.send('create');
    expect(await client.next()).toEqual({
      event: 'exception',
      data: {
        status: 'error',
        code: 'insufficient_scope',
        message: 'The access token lacks a scope this resource requires.',
        requiredScopes: ['read:documents', 'write:documents'],
      },
    });
    client.send('whoami'); // the next message is this answer: the refusal was sent once
    expect(await client.next()).toMatchObject({ event: 'whoami', data: { sub: 'user-1' } });
  });

  it('closes the connection when the token expires, telling the client why', async () => {
    const exp = nowSeconds() + 2;
    const client = await connect(`Bearer ${token({ exp })}`);
    client.send('whoami');
    expect(await client.next()).toMatchObject({ event: 'whoami' });
    expect(await client.next()).toEqual({ event: 'exception', data: { status: 'error', code: 'invalid_token', message: 'The access token has expired.' } });
    expect(await client.closed).toEqual({ code: 4401, reason: 'invalid_token' });
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000);
  });

  it('refuses a message that arrives after exp, even before the close timer fires', async () => {
    vi.spyOn(ConnectionExpiry.prototype as unknown as { closeOnExpiry(): void }, 'closeOnExpiry').mockImplementation(() => undefined);
    const exp = nowSeconds() + 2;
    const client = await connect(`Bearer ${token({ exp })}`);
    client.send('whoami');
    expect(await client.next()).toMatchObject({ event: 'whoami' });
    vi.useFakeTimers({ toFake: ['Date'], now: (exp + 1) * 1000 });
    try {
      client.send('whoami');
      expect(await client.next()).toEqual({ event: 'exception', data: { status: 'error', code: 'invalid_token', message: 'The access token has expired.' } });
      expect(await client.closed).toEqual({ code: 4401, reason: 'invalid_token' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses the guarded messages of a gateway that does not authenticate its connections (fail closed), and serves its @Public() ones', async () => {
    const client = open('/forgetful', `Bearer ${token()}`);
    await client.opened;
    client.send('whoami');
    expect(await client.next()).toMatchObject({ event: 'exception', data: { status: 'error', code: 'auth.execution_context_not_supported' } });
    client.send('ping');
    expect(await client.next()).toEqual({ event: 'pong', data: null });
  });
});

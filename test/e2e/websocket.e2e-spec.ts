import { INestApplication } from '@nestjs/common';
import { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { CurrentUser, LogtoAuthModule } from '../../lib';
import { globalGuardsReachGateways } from '../../lib/context/gateway-guard.check';
import { ConnectionExpiry } from '../../lib/context/auth.connection';
import { DocumentsGateway, StrictDocumentsGateway } from '../helpers/documents.gateway';
import { createTestKey } from '../helpers/keys';
import { startJwksServer, JwksServer } from '../helpers/jwks-server';
import { signAccessToken, TEST_AUDIENCE } from '../helpers/sign-token';
import { connectSocket, listenOnLoopback, nextEvent, openSocket } from '../helpers/socket-client';
import { ADAPTERS, createTestApp } from '../helpers/test-app';
import { verificationsSince } from '../helpers/verifications-since';

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe.each(ADAPTERS)('Socket.IO gateway over %s', (adapter) => {
  const key = createTestKey('ES384');
  let jwks: JwksServer;
  let app: INestApplication;
  let url: string;
  const sockets: Socket[] = [];

  const connect = async (credentials: Parameters<typeof connectSocket>[1]) => {
    const socket = await connectSocket(url, credentials);
    sockets.push(socket);
    return socket;
  };
  const token = (claims: Record<string, unknown> = {}) => signAccessToken({ key, issuer: jwks.issuer, claims });

  beforeAll(async () => {
    jwks = await startJwksServer([key.jwk]);
    app = await createTestApp(adapter, {
      // clockTolerance 0: the connection closes at exp itself.
      imports: [LogtoAuthModule.forRoot({ endpoint: jwks.endpoint, audience: TEST_AUDIENCE, clockTolerance: 0 })],
      providers: [DocumentsGateway, StrictDocumentsGateway],
    });
    url = await listenOnLoopback(app);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
    sockets.splice(0).forEach((socket) => socket.disconnect());
  });
  afterAll(async () => {
    await app?.close();
    await jwks?.close();
  });

  it('accepts the token from the handshake auth.token, with @CurrentUser()', async () => {
    const socket = await connect({ authToken: token() });
    expect(await socket.emitWithAck('whoami')).toEqual({ sub: 'user-1', scopes: ['read:documents'] });
  });

  it('accepts the token from the handshake Authorization header, with @CurrentUser(field)', async () => {
    const socket = await connect({ authorization: `Bearer ${token({ scope: 'read:documents write:documents' })}` });
    expect(await socket.emitWithAck('create')).toEqual({ created: true, sub: 'user-1' });
  });

  it('verifies the token once per connection, not once per message', async () => {
    const verified = verificationsSince(app);
    const socket = await connect({ authToken: token() });
    for (let i = 0; i < 3; i++) expect(await socket.emitWithAck('whoami')).toMatchObject({ sub: 'user-1' });
    expect(verified()).toBe(1);
  });

  it('refuses a message without a token with a WsException carrying the code, then closes the connection', async () => {
    const socket = await connect({});
    const exception = nextEvent(socket, 'exception');
    const disconnected = nextEvent(socket, 'disconnect');
    socket.emit('whoami');
    expect(await exception).toEqual({
      status: 'error',
      code: 'auth.authorization_header_missing',
      message: 'The Authorization header is missing.',
    });
    expect(await disconnected).toBe('io server disconnect');
  });

  it('refuses a token that fails verification with invalid_token and closes the connection', async () => {
    const socket = await connect({ authToken: token({ aud: 'https://other.example.com' }) });
    const exception = nextEvent(socket, 'exception');
    const disconnected = nextEvent(socket, 'disconnect');
    socket.emit('whoami');
    expect(await exception).toEqual({
      status: 'error',
      code: 'invalid_token',
      message: 'The access token was not issued for this API.',
    });
    expect(await disconnected).toBe('io server disconnect');
  });

  it('refuses a handshake with both an Authorization header and auth.token (ambiguous)', async () => {
    const socket = await connect({ authToken: token(), authorization: `Bearer ${token()}` });
    const exception = nextEvent(socket, 'exception');
    const disconnected = nextEvent(socket, 'disconnect');
    socket.emit('whoami');
    expect(await exception).toMatchObject({ status: 'error', code: 'auth.authorization_token_invalid_format' });
    expect(await disconnected).toBe('io server disconnect');
  });

  it('accepts auth.token written as "Bearer <token>" too', async () => {
    const socket = await connect({ authToken: `Bearer ${token()}` });
    expect(await socket.emitWithAck('whoami')).toMatchObject({ sub: 'user-1' });
  });

  it('refuses an auth.token that is not a string with invalid_request and closes the connection', async () => {
    const socket = await connect({ authToken: { jwt: token() } });
    const exception = nextEvent(socket, 'exception');
    const disconnected = nextEvent(socket, 'disconnect');
    socket.emit('whoami');
    expect(await exception).toMatchObject({ status: 'error', code: 'auth.authorization_token_invalid_format' });
    expect(await disconnected).toBe('io server disconnect');
  });

  it('refuses a missing scope with insufficient_scope and keeps the connection open', async () => {
    const socket = await connect({ authToken: token() });
    const exception = nextEvent(socket, 'exception');
    socket.emit('create');
    expect(await exception).toEqual({
      status: 'error',
      code: 'insufficient_scope',
      message: 'The access token lacks a scope this resource requires.',
      requiredScopes: ['read:documents', 'write:documents'],
    });
    expect(socket.connected).toBe(true);
    expect(await socket.emitWithAck('whoami')).toMatchObject({ sub: 'user-1' });
  });

  it('does not attach a user refused for a scope: a later @Public() handler sees none', async () => {
    const socket = await connect({ authToken: token() });
    const exception = nextEvent(socket, 'exception');
    socket.emit('create');
    expect(await exception).toMatchObject({ code: 'insufficient_scope' });
    expect(await socket.emitWithAck('attachedUser')).toEqual({ dataUser: null, currentUser: null });
    // A message that passed every check attaches it, as before.
    expect(await socket.emitWithAck('whoami')).toMatchObject({ sub: 'user-1' });
    expect(await socket.emitWithAck('attachedUser')).toEqual({ dataUser: 'user-1', currentUser: 'user-1' });
  });

  it('does not attach a user refused for a scope when its token is already verified (a cache hit, answered at once)', async () => {
    const shared = token();
    const first = await connect({ authToken: shared });
    expect(await first.emitWithAck('whoami')).toMatchObject({ sub: 'user-1' }); // verified and remembered
    const verified = verificationsSince(app);
    const socket = await connect({ authToken: shared });
    const exception = nextEvent(socket, 'exception');
    socket.emit('create');
    expect(await exception).toMatchObject({ code: 'insufficient_scope' });
    expect(await socket.emitWithAck('attachedUser')).toEqual({ dataUser: null, currentUser: null });
    expect(verified()).toBe(0); // served from the verified-token cache
  });

  it('verifies a bad token once for a burst of messages, and closes the connection at the first refusal', async () => {
    const verified = verificationsSince(app);
    const socket = await connect({ authToken: signAccessToken({ key: createTestKey('ES384'), issuer: jwks.issuer, header: { kid: key.kid } }) });
    const exceptions: unknown[] = [];
    socket.on('exception', (payload: unknown) => exceptions.push(payload));
    const disconnected = nextEvent(socket, 'disconnect');
    for (let i = 0; i < 300; i++) socket.emit('whoami');
    expect(await disconnected).toBe('io server disconnect');
    expect(verified()).toBe(1);
    // The messages queued behind the first refusal were dropped with the connection, not answered.
    expect(exceptions).toEqual([{ status: 'error', code: 'invalid_token', message: 'The access token signature is invalid.' }]);
  });

  it('refuses a handshake with two Authorization headers, as HTTP does, and closes the connection', async () => {
    const twoHeaders = [`Bearer ${token()}`, `Bearer ${token({ sub: 'user-2' })}`] as unknown as string;
    const socket = await connect({ authorization: twoHeaders });
    const exception = nextEvent(socket, 'exception');
    const disconnected = nextEvent(socket, 'disconnect');
    socket.emit('whoami');
    expect(await exception).toMatchObject({ status: 'error', code: 'auth.authorization_token_invalid_format' });
    expect(await disconnected).toBe('io server disconnect');
  });

  it("keeps the user in Socket.IO's socket.data.user too, where a gateway's own guards look", async () => {
    const socket = await connect({ authToken: token({ sub: 'user-3' }) });
    expect(await socket.emitWithAck('dataUser')).toBe('user-3');
  });

  it('serves a @Public() message without a token', async () => {
    const socket = await connect({});
    expect(await socket.emitWithAck('ping')).toBe('pong');
    expect(socket.connected).toBe(true);
  });

  it('closes the connection when the token expires, telling the client why', async () => {
    const exp = nowSeconds() + 2;
    const socket = await connect({ authToken: token({ exp }) });
    expect(await socket.emitWithAck('whoami')).toMatchObject({ sub: 'user-1' });
    const exception = nextEvent(socket, 'exception');
    expect(await nextEvent(socket, 'disconnect')).toBe('io server disconnect');
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000);
    expect(await exception).toEqual({ status: 'error', code: 'invalid_token', message: 'The access token has expired.' });
  });

  it('refuses a message that arrives after exp, even before the close timer fires', async () => {
    // No close timer at all for this connection: only the per-message check can refuse (the close at
    // exp has its own test, on a fake clock, in test/unit/context/websocket.context.spec.ts).
    vi.spyOn(ConnectionExpiry.prototype as unknown as { closeOnExpiry(): void }, 'closeOnExpiry').mockImplementation(() => undefined);
    const exp = nowSeconds() + 2;
    const socket = await connect({ authToken: token({ exp }) });
    expect(await socket.emitWithAck('whoami')).toMatchObject({ sub: 'user-1' });
    // Only the clock moves, past exp (less than Socket.IO's 45 s ping window, which the client also measures with Date).
    vi.useFakeTimers({ toFake: ['Date'], now: (exp + 1) * 1000 });
    const exception = nextEvent(socket, 'exception');
    const disconnected = nextEvent(socket, 'disconnect');
    socket.emit('whoami');
    expect(await exception).toEqual({ status: 'error', code: 'invalid_token', message: 'The access token has expired.' });
    expect(await disconnected).toBe('io server disconnect');
  });

  describe('with authenticateConnection() in handleConnection', () => {
    it('verifies the token as the connection opens, and not again for its messages', async () => {
      const verified = verificationsSince(app);
      await connect({ authToken: token() });
      expect(verified()).toBe(0); // the default namespace verifies lazily
      const strict = await connectSocket(`${url}/strict`, { authToken: token({ sub: 'user-2' }) });
      sockets.push(strict);
      await expect.poll(verified).toBe(1);
      expect(await strict.emitWithAck('whoami')).toEqual({ sub: 'user-2' });
      expect(await strict.emitWithAck('whoami')).toEqual({ sub: 'user-2' });
      expect(verified()).toBe(1);
    });

    it('refuses a client without a valid token at once, before it sends anything', async () => {
      const socket = openSocket(`${url}/strict`, { authToken: token({ exp: nowSeconds() - 60 }) });
      sockets.push(socket);
      const exception = nextEvent(socket, 'exception');
      const disconnected = nextEvent(socket, 'disconnect');
      socket.connect();
      expect(await exception).toEqual({ status: 'error', code: 'invalid_token', message: 'The access token has expired.' });
      expect(await disconnected).toBe('io server disconnect');
    });

    it('refuses a client without any token at once', async () => {
      const socket = openSocket(`${url}/strict`);
      sockets.push(socket);
      const exception = nextEvent(socket, 'exception');
      const disconnected = nextEvent(socket, 'disconnect');
      socket.connect();
      expect(await exception).toMatchObject({ status: 'error', code: 'auth.authorization_header_missing' });
      expect(await disconnected).toBe('io server disconnect');
    });
  });
});

describe('a gateway without a guard of its own', () => {
  @WebSocketGateway()
  class BareGateway {
    @SubscribeMessage('whoami') whoami(@CurrentUser('sub') sub: string) {
      return { sub };
    }
  }

  it('is protected by the global guard (NestJS 12) or refuses to start (NestJS 11), never served open', async () => {
    const jwks = await startJwksServer([]);
    const starting = createTestApp('express', {
      imports: [LogtoAuthModule.forRoot({ endpoint: jwks.endpoint, audience: TEST_AUDIENCE })],
      providers: [BareGateway],
    });
    try {
      if (globalGuardsReachGateways()) {
        const app = await starting;
        const socket = await connectSocket(await listenOnLoopback(app), {});
        const exception = nextEvent(socket, 'exception');
        socket.emit('whoami');
        expect(await exception).toMatchObject({ status: 'error', code: 'auth.authorization_header_missing' });
        socket.disconnect();
        await app.close();
      } else {
        await expect(starting).rejects.toThrow('so BareGateway would answer clients without a token. Add @UseGuards(LogtoAuthGuard)');
      }
    } finally {
      await jwks.close();
    }
  });
});

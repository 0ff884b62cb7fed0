import { INestApplication } from '@nestjs/common';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule, Query, Resolver, Subscription } from '@nestjs/graphql';
import { Client, createClient } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { CurrentUser, LogtoAuthGuard, LogtoAuthModule, Scopes } from '../../lib';
import { ConnectionExpiry } from '../../lib/context/auth-connection';
import { AccessTokenVerifier } from '../../lib/token/access-token.verifier';
import { LOGTO_AUTH_FAILURES } from '../../lib/errors/logto-auth-failures';
import { createTestKey } from '../helpers/keys';
import { JwksServer, startJwksServer } from '../helpers/jwks-server';
import { RecordingLogger } from '../helpers/recording-logger';
import { signAccessToken, TEST_AUDIENCE } from '../helpers/sign-token';
import { listenOnLoopback } from '../helpers/socket-client';
import { ADAPTERS, createTestApp } from '../helpers/test-app';

const TYPE_DEFS = /* GraphQL */ `
  type Query {
    me: String
  }
  type Subscription {
    whoami: String
    adminTicks: Int
    forever: Int
  }
`;

const nowSeconds = () => Math.floor(Date.now() / 1000);
const BANNED_SUB = 'banned-user';

async function* once<T>(value: T) {
  yield value;
}

@Resolver()
@Scopes('read:documents')
class LiveResolver {
  @Query('me') me(@CurrentUser('sub') sub: string) {
    return sub;
  }

  @Subscription('whoami') whoami(@CurrentUser('sub') sub: string) {
    return once({ whoami: sub });
  }

  @Subscription('adminTicks') @Scopes('admin') adminTicks() {
    return once({ adminTicks: 1 });
  }

  /** A tick every 50 ms until the client or the server ends it. */
  @Subscription('forever') async *forever() {
    for (let tick = 1; ; tick++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      yield { forever: tick };
    }
  }
}

interface Closed {
  readonly code: number;
  readonly reason: string;
}

/** The GraphQL app's two ways to hand resolvers the connection: @nestjs/apollo's default, and the upgrade request. */
const CONTEXTS = {
  'the default context': undefined,
  'a context passing the upgrade request': (ctx: { req?: unknown; extra?: { request?: unknown } }) => ({ req: ctx.req ?? ctx.extra?.request }),
};

describe.each(ADAPTERS.flatMap((adapter) => Object.keys(CONTEXTS).map((name) => [adapter, name] as const)))(
  'GraphQL subscriptions over graphql-ws, verified at connection_init (%s, %s)',
  (adapter, contextName) => {
    const key = createTestKey('ES384');
    let jwks: JwksServer;
    let app: INestApplication;
    let url: string;
    const logger = new RecordingLogger();
    const clients: Client[] = [];

    const token = (claims: Record<string, unknown> = {}) => signAccessToken({ key, issuer: jwks.issuer, claims });
    /** A graphql-ws client that never retries; `closed` settles with the socket's close code and reason. */
    const connect = (connectionParams?: Record<string, unknown>) => {
      let onClosed!: (closed: Closed) => void;
      const closed = new Promise<Closed>((resolve) => (onClosed = resolve));
      const client = createClient({
        url,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: false,
        onNonLazyError: () => undefined, // the close is asserted through `closed`
        connectionParams,
        on: { closed: (event) => onClosed({ code: (event as Closed).code, reason: String((event as Closed).reason) }) },
      });
      clients.push(client);
      return { client, closed };
    };
    /** Runs `query` to its end; returns what came (an error as `{ failed }`). */
    const run = (client: Client, query: string) => {
      const events: unknown[] = [];
      return new Promise<unknown[]>((resolve) =>
        client.subscribe(
          { query },
          { next: (value) => events.push(value), error: (error) => resolve([...events, { failed: error }]), complete: () => resolve(events) },
        ),
      );
    };

    beforeAll(async () => {
      jwks = await startJwksServer([key.jwk]);
      const context = CONTEXTS[contextName as keyof typeof CONTEXTS];
      app = await createTestApp(adapter, {
        // clockTolerance 0: the connection closes at exp itself.
        imports: [
          // jwksCooldownMs 0: a token with an unknown kid fetches the JWKS at once (the outage tests).
          LogtoAuthModule.forRoot({
            endpoint: jwks.endpoint,
            audience: TEST_AUDIENCE,
            clockTolerance: 0,
            jwksCooldownMs: 0,
            validate: (user) => user.sub !== BANNED_SUB, // the application's own rule
          }),
          GraphQLModule.forRootAsync<ApolloDriverConfig>({
            driver: ApolloDriver,
            inject: [LogtoAuthGuard],
            useFactory: (logtoAuth: LogtoAuthGuard) => ({
              typeDefs: [TYPE_DEFS],
              graphiql: false,
              ...(context ? { context } : {}),
              subscriptions: { 'graphql-ws': { onConnect: (ctx) => logtoAuth.authenticateGraphqlWsConnection(ctx) } },
            }),
          }),
        ],
        providers: [LiveResolver],
      });
      app.useLogger(logger);
      url = (await listenOnLoopback(app)).replace('http', 'ws') + '/graphql';
    });
    afterEach(async () => {
      vi.useRealTimers();
      vi.restoreAllMocks();
      logger.clear();
      await Promise.all(clients.splice(0).map((client) => client.dispose()));
    });
    afterAll(async () => {
      await app?.close();
      await jwks?.close();
    });

    it('serves a subscription to the token of the connection_init payload, with @CurrentUser()', async () => {
      const { client } = connect({ authorization: `Bearer ${token()}` });
      expect(await run(client, 'subscription { whoami }')).toEqual([{ data: { whoami: 'user-1' } }]);
    });

    it('reads the payload entry spelled Authorization too, and serves queries over the connection', async () => {
      const { client } = connect({ Authorization: `Bearer ${token({ sub: 'user-2' })}` });
      expect(await run(client, '{ me }')).toEqual([{ data: { me: 'user-2' } }]);
      expect(await run(client, 'subscription { whoami }')).toEqual([{ data: { whoami: 'user-2' } }]);
    });

    it('verifies the token once per connection, not once per operation', async () => {
      const verify = vi.spyOn(app.get(AccessTokenVerifier), 'verify');
      const { client } = connect({ authorization: `Bearer ${token()}` });
      for (let i = 0; i < 3; i++) expect(await run(client, 'subscription { whoami }')).toEqual([{ data: { whoami: 'user-1' } }]);
      expect(verify).toHaveBeenCalledTimes(1);
    });

    it('enforces @Scopes() on a subscription, and keeps the connection open', async () => {
      const { client } = connect({ authorization: `Bearer ${token()}` });
      const [refused] = (await run(client, 'subscription { adminTicks }')) as { errors: unknown[] }[];
      expect(refused.errors).toEqual([
        expect.objectContaining({
          message: 'The access token lacks a scope this resource requires.',
          path: ['adminTicks'],
          extensions: expect.objectContaining({ code: 'FORBIDDEN', logtoCode: 'insufficient_scope', requiredScopes: ['read:documents', 'admin'] }),
        }),
      ]);
      expect(await run(client, 'subscription { whoami }')).toEqual([{ data: { whoami: 'user-1' } }]);
    });

    it.each([
      ['no token', undefined, 'auth.authorization_header_missing'],
      ['an expired token', () => ({ authorization: `Bearer ${token({ exp: nowSeconds() - 60 })}` }), 'invalid_token'],
      ['a token for another API', () => ({ authorization: `Bearer ${token({ aud: 'https://other.example.com' })}` }), 'invalid_token'],
      ['a scheme other than Bearer', () => ({ authorization: `Basic ${token()}` }), 'auth.authorization_token_type_not_supported'],
      ['both spellings at once', () => ({ authorization: `Bearer ${token()}`, Authorization: `Bearer ${token()}` }), 'auth.authorization_token_invalid_format'],
      ['a value that is not a string', () => ({ authorization: { token: token() } }), 'auth.authorization_token_invalid_format'],
    ])('refuses a connection with %s: closed with 4401 and the code as reason, no stack, nothing logged at ERROR', async (_name, params, code) => {
      const { client, closed } = connect(params?.());
      const events = await run(client, 'subscription { whoami }');
      expect(await closed).toEqual({ code: 4401, reason: code });
      expect(events).toEqual([{ failed: expect.objectContaining({ code: 4401, reason: code }) }]);
      expect(logger.entries.filter((entry) => entry.level === 'error')).toEqual([]);
    });

    it("refuses a connection whose token passes but the validate option refuses: closed with 4403 and the module's code", async () => {
      const { code } = LOGTO_AUTH_FAILURES.validation_failed;
      const { client, closed } = connect({ authorization: `Bearer ${token({ sub: BANNED_SUB })}` });
      const events = await run(client, 'subscription { whoami }');
      expect(await closed).toEqual({ code: 4403, reason: code });
      expect(events).toEqual([{ failed: expect.objectContaining({ code: 4403, reason: code }) }]);
      expect(logger.entries.filter((entry) => entry.level === 'error')).toEqual([]);
      // the same app lets another user's connection in
      expect(await run(connect({ authorization: `Bearer ${token()}` }).client, 'subscription { whoami }')).toEqual([{ data: { whoami: 'user-1' } }]);
    });

    it.each([
      ['answers 500', async () => jwks.set({ kind: 'status', status: 500 }), async () => undefined],
      ['is stopped', () => jwks.stop(), () => jwks.restart()],
    ])('closes a connection with 1013 auth.jwks_unavailable while the JWKS %s and the key is unknown', async (_name, breakJwks, repair) => {
      const { code } = LOGTO_AUTH_FAILURES.jwks_unavailable;
      const rotated = signAccessToken({ key: createTestKey('ES384'), issuer: jwks.issuer }); // a kid the module has not seen
      await breakJwks();
      try {
        const { client, closed } = connect({ authorization: `Bearer ${rotated}` });
        const events = await run(client, 'subscription { whoami }');
        expect(await closed).toEqual({ code: 1013, reason: code });
        expect(events).toEqual([{ failed: expect.objectContaining({ code: 1013, reason: code }) }]);
        // a known key keeps verifying from the last good key set
        expect(await run(connect({ authorization: `Bearer ${token()}` }).client, 'subscription { whoami }')).toEqual([{ data: { whoami: 'user-1' } }]);
      } finally {
        await repair();
        jwks.setKeys([key.jwk]);
      }
    });

    it('ends the stream at exp: the connection is closed with 4401 invalid_token', async () => {
      const exp = nowSeconds() + 2;
      const { client, closed } = connect({ authorization: `Bearer ${token({ exp })}` });
      const events = await run(client, 'subscription { forever }');
      expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000);
      expect(await closed).toEqual({ code: 4401, reason: 'invalid_token' });
      expect(events.length).toBeGreaterThan(1);
      expect(events.at(-1)).toEqual({ failed: expect.objectContaining({ code: 4401, reason: 'invalid_token' }) });
    });

    it('refuses an operation that starts after exp, even before the close timer fires', async () => {
      // No close timer at all: only the per-operation check can refuse (the close has its own test above).
      vi.spyOn(ConnectionExpiry.prototype as unknown as { closeOnExpiry(): void }, 'closeOnExpiry').mockImplementation(() => undefined);
      const exp = nowSeconds() + 2;
      const { client } = connect({ authorization: `Bearer ${token({ exp })}` });
      expect(await run(client, 'subscription { whoami }')).toEqual([{ data: { whoami: 'user-1' } }]);
      vi.useFakeTimers({ toFake: ['Date'], now: (exp + 1) * 1000 }); // only the clock moves, past exp
      const [refused] = (await run(client, 'subscription { whoami }')) as { errors: unknown[] }[];
      expect(refused.errors).toEqual([
        expect.objectContaining({
          message: 'The access token has expired.',
          extensions: expect.objectContaining({ code: 'UNAUTHENTICATED', logtoCode: 'invalid_token' }),
        }),
      ]);
    });
  },
);

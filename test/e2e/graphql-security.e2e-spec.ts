import { INestApplication } from '@nestjs/common';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import { createClient } from 'graphql-ws';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { LogtoAuthCounters, LogtoAuthModule } from '../../lib';
import { IssuerKeyResolvers } from '../../lib/keys/issuer-key.resolvers';
import { DOC_TYPE_DEFS, DocResolver, DOCUMENTS_TYPE_DEFS, DocumentsResolver, GqlAdminGuard } from '../helpers/documents.resolver';
import { createTestKey } from '../helpers/keys';
import { startJwksServer, JwksServer } from '../helpers/jwks-server';
import { RecordingLogger } from '../helpers/recording-logger';
import { signAccessToken, TEST_AUDIENCE } from '../helpers/sign-token';
import { listenOnLoopback } from '../helpers/socket-client';
import { waitFor } from '../helpers/wait-for';
import { ADAPTERS, AdapterName, createTestApp } from '../helpers/test-app';
import { verificationsSince } from '../helpers/verifications-since';

function createDocApp(adapter: AdapterName, endpoint: string, driverOptions: Partial<ApolloDriverConfig>): Promise<INestApplication> {
  return createTestApp(adapter, {
    imports: [
      LogtoAuthModule.forRoot({ endpoint, audience: TEST_AUDIENCE }),
      GraphQLModule.forRoot<ApolloDriverConfig>({
        driver: ApolloDriver,
        typeDefs: [DOCUMENTS_TYPE_DEFS, DOC_TYPE_DEFS],
        graphiql: false,
        ...driverOptions,
      }),
    ],
    providers: [DocumentsResolver, DocResolver, GqlAdminGuard],
  });
}

describe.each(ADAPTERS)('GraphQL field resolvers without fieldResolverEnhancers over %s', (adapter) => {
  let jwks: JwksServer;
  beforeAll(async () => (jwks = await startJwksServer([createTestKey('ES384').jwk])));
  afterAll(async () => jwks?.close());

  it('refuses to start, naming the field and the option to set', async () => {
    const started = createDocApp(adapter, jwks.endpoint, {});
    await expect(started).rejects.toThrow('DocResolver.secret');
    await expect(started).rejects.toThrow("fieldResolverEnhancers: ['guards']");
  });

  it('refuses to start when the enhancers list has no guards', async () => {
    await expect(createDocApp(adapter, jwks.endpoint, { fieldResolverEnhancers: ['interceptors'] })).rejects.toThrow(
      'DocResolver.secret',
    );
  });
});

describe.each(ADAPTERS)("GraphQL with fieldResolverEnhancers: ['guards'] over %s", (adapter) => {
  const key = createTestKey('ES384');
  const stranger = createTestKey('ES384');
  let jwks: JwksServer;
  let app: INestApplication;
  const logger = new RecordingLogger();

  const gql = (query: string, token?: string) => {
    const req = request(app.getHttpServer()).post('/graphql').set('Content-Type', 'application/json');
    if (token !== undefined) req.set('Authorization', `Bearer ${token}`);
    return req.send({ query });
  };
  const token = (scope?: string) => signAccessToken({ key, issuer: jwks.issuer, claims: { scope } });
  // Signed by a key the JWKS does not hold, under the kid of one it does: fails only at the signature.
  const badSignature = () => signAccessToken({ key: stranger, issuer: jwks.issuer, header: { kid: key.kid } });
  const aliases = (count: number, field: string) => Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ');

  beforeAll(async () => {
    jwks = await startJwksServer([key.jwk]);
    app = await createDocApp(adapter, jwks.endpoint, { fieldResolverEnhancers: ['guards'] });
    app.useLogger(logger);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    logger.clear();
  });
  afterAll(async () => {
    await app?.close();
    await jwks?.close();
  });

  it('refuses a field resolver @Scopes() to a reader without it, and serves the rest of the object', async () => {
    const res = await gql('{ doc { id secret } }', token('read:documents'));
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ doc: { id: 'doc-1', secret: null } });
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0].path).toEqual(['doc', 'secret']);
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', logtoCode: 'insufficient_scope', requiredScopes: ['admin'] });
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(res.headers['www-authenticate']).toContain('scope="admin"');
  });

  it('serves the field to a caller with the scope', async () => {
    const res = await gql('{ doc { id secret } }', token('read:documents admin'));
    expect(res.body).toEqual({ data: { doc: { id: 'doc-1', secret: 'TOP-SECRET-of-doc-1' } } });
  });

  it('refuses the field reached through a @Public() query without a token', async () => {
    const res = await gql('{ publicDoc { id secret } }');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ publicDoc: { id: 'doc-1', secret: null } });
    expect(res.body.errors[0].path).toEqual(['publicDoc', 'secret']);
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', logtoCode: 'auth.authorization_header_missing' });
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it('does not leave a caller refused for a scope attached to the request: a later @Public() field sees no user', async () => {
    // Mutations run one after the other: createDocument is refused before openDoc runs.
    const res = await gql('mutation { createDocument openDoc { viewer } }', token('read:documents'));
    expect(res.body.data).toEqual({ createDocument: null, openDoc: { viewer: null } });
    expect(res.body.errors[0].extensions.logtoCode).toBe('insufficient_scope');
    // A caller that passed a check is attached, as before.
    const passed = await gql('mutation { createDocument openDoc { viewer } }', token('read:documents write:documents'));
    expect(passed.body.data).toEqual({ createDocument: 'created by user-1', openDoc: { viewer: 'user-1' } });
  });

  it('verifies a bad-signature token once for 500 aliased fields', async () => {
    const verified = verificationsSince(app);
    const res = await gql(`{ ${aliases(500, 'mySub')} }`, badSignature());
    expect(res.body.errors).toHaveLength(500);
    expect(res.body.errors.every((e: { extensions: { logtoCode: string } }) => e.extensions.logtoCode === 'invalid_token')).toBe(true);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(verified()).toBe(1);
  });

  it('verifies a bad-signature token once for 500 aliased mutations, which run one after the other', async () => {
    const verified = verificationsSince(app);
    const res = await gql(`mutation { ${aliases(500, 'createDocument')} }`, badSignature());
    expect(res.body.errors).toHaveLength(500);
    expect(verified()).toBe(1);
  });

  it('verifies a new valid token once for 500 aliased fields', async () => {
    const verified = verificationsSince(app);
    const res = await gql(`{ ${aliases(500, 'mySub')} }`, token('read:documents'));
    expect(res.body.errors).toBeUndefined();
    expect(Object.values(res.body.data)).toEqual(Array(500).fill('user-1'));
    expect(verified()).toBe(1);
  });

  it('shares one verification between concurrent requests with the same new token', async () => {
    const keys = app.get(IssuerKeyResolvers);
    const original = keys.getKey.bind(keys);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Holds the first verification (at its key) until all 20 requests are waiting on a verification of this token.
    vi.spyOn(keys, 'getKey').mockImplementation(async (...args) => (await gate, original(...args)));
    const counters = app.get(LogtoAuthCounters);
    const before = counters.snapshot();
    const verified = verificationsSince(app);
    const lookups = () => counters.cacheHits + counters.cacheMisses - before.cacheHits - before.cacheMisses;
    const shared = badSignature();
    const replies = Promise.all(Array.from({ length: 20 }, () => gql('{ mySub }', shared)));
    await waitFor(async () => lookups(), (count) => count >= 20, { intervalMs: 10 });
    release();
    for (const res of await replies) expect(res.body.errors[0].extensions.logtoCode).toBe('invalid_token');
    expect(verified()).toBe(1);
  });

  it('does not log refusals at ERROR: they are not server errors', async () => {
    await gql('{ mySub doc { secret } }');
    await gql('{ mySub }', badSignature());
    await gql('{ doc { id secret } }', token('read:documents'));
    expect(logger.entries.filter((entry) => entry.level === 'error')).toEqual([]);
  });
});

describe.each(ADAPTERS)('GraphQL subscriptions over graphql-ws without the module onConnect, %s', (adapter) => {
  const key = createTestKey('ES384');
  let jwks: JwksServer;
  let app: INestApplication;
  let url: string;

  /** Runs `query` to its end over graphql-ws, the upgrade request carrying `authorization`; returns what came. */
  const subscribe = async (query: string, authorization?: string) => {
    class AuthorizedWebSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, authorization ? { headers: { authorization } } : {});
      }
    }
    const client = createClient({ url, webSocketImpl: AuthorizedWebSocket, retryAttempts: 0, lazy: true });
    const events: unknown[] = [];
    try {
      await new Promise<void>((resolve, reject) =>
        client.subscribe({ query }, { next: (value) => events.push(value), error: reject, complete: resolve }),
      ).catch((error: unknown) => events.push({ failed: error }));
    } finally {
      await client.dispose();
    }
    return events;
  };

  beforeAll(async () => {
    jwks = await startJwksServer([key.jwk]);
    app = await createDocApp(adapter, jwks.endpoint, {
      fieldResolverEnhancers: ['guards'],
      subscriptions: { 'graphql-ws': true },
      // The common pattern that hands the upgrade request to resolvers, as the review did.
      context: (ctx: { req?: unknown; extra?: { request?: unknown } }) => ({ req: ctx.req ?? ctx.extra?.request }),
    });
    url = (await listenOnLoopback(app)).replace('http', 'ws') + '/graphql';
  });
  afterAll(async () => {
    await app?.close();
    await jwks?.close();
  });

  it('refuses a subscription that is not @Public(), even with a valid token in the upgrade request: fail closed', async () => {
    const token = signAccessToken({ key, issuer: jwks.issuer, claims: { scope: 'read:documents' } });
    const events = await subscribe('subscription { ticks }', `Bearer ${token}`);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      errors: [
        {
          message: 'LogtoAuthGuard authenticates GraphQL subscriptions only over a graphql-ws connection it verified as it opened; mark the subscription @Public() to serve it.',
          path: ['ticks'],
          extensions: { code: 'FORBIDDEN', logtoCode: 'auth.execution_context_not_supported' },
        },
      ],
    });
  });

  it('streams a @Public() subscription', async () => {
    expect(await subscribe('subscription { publicTicks }')).toEqual([{ data: { publicTicks: 1 } }, { data: { publicTicks: 2 } }]);
  });
});

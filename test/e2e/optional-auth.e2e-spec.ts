import { Controller, Get, INestApplication, Type, UseGuards } from '@nestjs/common';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule, Query, Resolver } from '@nestjs/graphql';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Socket } from 'socket.io-client';
import request from 'supertest';
import ts from 'typescript';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AnyScope, CurrentUser, LogtoAuthGuard, LogtoAuthModule, LogtoUser, OptionalAuth, Public, RequireOrganization, Scopes } from '../../lib';
import { globalGuardsReachGateways } from '../../lib/context/gateway-guard.check';
import { verificationsSince } from '../helpers/verifications-since';
import { LogtoTestIssuer, startLogtoTestIssuer } from '../../lib/testing';
import { expectOutcome, forbidden, headerMissing, invalidHeaderFormat, invalidToken, Outcome, schemeNotBearer } from '../helpers/expect-outcome';
import { rawRequest } from '../helpers/raw-http';
import { readReadmeExamples } from '../helpers/readme-examples';
import { connectSocket, listenOnLoopback, nextEvent } from '../helpers/socket-client';
import { ADAPTERS, createTestApp } from '../helpers/test-app';

const root = resolve(__dirname, '../..');
const [readmeController] = readReadmeExamples('optional-auth', ['src/articles.controller.ts']);
const readmeDir = join(root, '.tmp/readme-optional-auth');

/** The README's example, byte for byte, with its one import pointed at lib/ so Vitest can load it. */
async function loadReadmeController(): Promise<Type> {
  mkdirSync(readmeDir, { recursive: true });
  const file = join(readmeDir, 'articles.controller.runtime.ts');
  writeFileSync(file, readmeController.code.replaceAll("from 'nestjs-logto'", `from '${relative(readmeDir, join(root, 'lib'))}'`));
  return ((await import(file)) as { ArticlesController: Type }).ArticlesController;
}

/** The interactions of @OptionalAuth() with requirements and @Public(), on handlers and classes. */
@Controller('feed')
class FeedController {
  @Get('public')
  @Public()
  open(@CurrentUser() user: LogtoUser | undefined) {
    return { sub: user?.sub ?? null };
  }

  @Get('public-and-optional')
  @Public()
  @OptionalAuth()
  both(@CurrentUser() user: LogtoUser | undefined) {
    return { sub: user?.sub ?? null };
  }

  @Get('scoped')
  @OptionalAuth()
  @Scopes('read:feed')
  scoped(@CurrentUser('sub') sub: string) {
    return { sub };
  }

  @Get('orgs/:orgId')
  @OptionalAuth()
  @RequireOrganization({ param: 'orgId' })
  organization(@CurrentUser('organizationId') organizationId: string) {
    return { organizationId };
  }
}

@Controller('optional-class')
@OptionalAuth()
class OptionalClassController {
  @Get()
  inherits(@CurrentUser() user: LogtoUser | undefined) {
    return { sub: user?.sub ?? null };
  }

  @Get('health')
  @Public()
  health(@CurrentUser() user: LogtoUser | undefined) {
    return { sub: user?.sub ?? null };
  }

  @Get('search')
  @AnyScope('search:all', 'search:own')
  search(@CurrentUser('sub') sub: string) {
    return { sub };
  }
}

const FEED_TYPE_DEFS = /* GraphQL */ `
  type Query {
    viewer: String!
    scopedViewer: String
  }
`;

@Resolver()
class FeedResolver {
  @Query('viewer')
  @OptionalAuth()
  viewer(@CurrentUser('sub') sub: string | undefined) {
    return sub ?? 'anonymous';
  }

  @Query('scopedViewer')
  @OptionalAuth()
  @Scopes('read:feed')
  scopedViewer(@CurrentUser('sub') sub: string) {
    return sub;
  }
}

// NestJS 11 runs no global guard on gateways; the module's start-up check asks for it on optional handlers too.
const ownGuardOnNest11: ClassDecorator = globalGuardsReachGateways() ? () => undefined : UseGuards(LogtoAuthGuard);

@WebSocketGateway()
@ownGuardOnNest11
class FeedGateway {
  @SubscribeMessage('viewer')
  @OptionalAuth()
  viewer(@CurrentUser('sub') sub: string | undefined) {
    return sub ?? 'anonymous';
  }

  @SubscribeMessage('scoped')
  @OptionalAuth()
  @Scopes('read:feed')
  scoped(@CurrentUser('sub') sub: string) {
    return sub;
  }
}

const ORG = 'org-a';

describe.each(ADAPTERS)('@OptionalAuth() over %s', (adapter) => {
  let issuer: LogtoTestIssuer;
  let app: INestApplication;
  let url: string;
  const sockets: Socket[] = [];

  const get = (path: string, authorization?: string) => {
    const test = request(url).get(path);
    return authorization === undefined ? test : test.set('Authorization', authorization);
  };
  const bearer = (token: string) => `Bearer ${token}`;
  const verifications = () => verificationsSince(app);

  beforeAll(async () => {
    issuer = await startLogtoTestIssuer();
    const ArticlesController = await loadReadmeController();
    app = await createTestApp(adapter, {
      imports: [
        LogtoAuthModule.forRoot({
          ...issuer.moduleOptions(),
          organizations: true,
          validate: (user) => user.sub !== 'banned',
        }),
        GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, typeDefs: FEED_TYPE_DEFS, graphiql: false }),
      ],
      controllers: [ArticlesController, FeedController, OptionalClassController],
      providers: [FeedResolver, FeedGateway],
    });
    url = await listenOnLoopback(app);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    sockets.splice(0).forEach((socket) => socket.disconnect());
  });
  afterAll(async () => {
    await app?.close();
    await issuer?.close();
  });

  describe('HTTP, the README example', () => {
    it('serves a request without an Authorization header with no user', async () => {
      const res = await get('/articles');
      expectOutcome(res, { kind: 'accepted' });
      expect(res.body).toEqual({ reader: null, drafts: false });
    });

    it('gives the user of a valid token, verified once and then served from the cache', async () => {
      const verify = verifications();
      const token = issuer.token({ sub: 'reader-1' });
      for (let i = 0; i < 2; i++) {
        const res = await get('/articles', bearer(token));
        expectOutcome(res, { kind: 'accepted' });
        expect(res.body).toEqual({ reader: 'reader-1', drafts: true });
      }
      expect(verify()).toBe(1);
    });

    const refused: [string, () => string, Outcome][] = [
      ['an expired token', () => bearer(issuer.tokens.expired()), invalidToken('expired')],
      ['a token for another API', () => bearer(issuer.tokens.wrongAudience()), invalidToken('wrong_audience')],
      ['a token from another issuer', () => bearer(issuer.tokens.wrongIssuer()), invalidToken('wrong_issuer')],
      ['a token signed by an unknown key', () => bearer(issuer.tokens.unknownKey()), invalidToken('unknown_key')],
      ['a token with a bad signature', () => bearer(issuer.tokens.badSignature()), invalidToken('bad_signature')],
      ['an opaque token', () => 'Bearer not-a-jwt', invalidToken('opaque_token')],
      ['a malformed token', () => 'Bearer a.b.c', invalidToken('malformed_token')],
      ['another scheme', () => `Basic ${Buffer.from('user:pass').toString('base64')}`, schemeNotBearer],
      ['Bearer without a token', () => 'Bearer', invalidHeaderFormat],
      ['two tokens', () => `Bearer ${issuer.token()} ${issuer.token()}`, invalidHeaderFormat],
    ];
    it.each(refused)('refuses %s with the usual 401, code and challenge (never served anonymously)', async (_name, authorization, outcome) => {
      expectOutcome(await get('/articles', authorization()), outcome);
    });

    it('refuses an empty Authorization header as on a guarded route: a header sent is never ignored', async () => {
      const res = await rawRequest(Number(new URL(url).port), 'GET /articles HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ');
      expectOutcome({ ...res, text: res.body }, headerMissing);
    });

    it('refuses two Authorization headers, even when the first is a valid token', async () => {
      const token = issuer.token();
      const head = `GET /articles HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nAuthorization: Bearer ${token}`;
      const res = await rawRequest(Number(new URL(url).port), head);
      expectOutcome({ ...res, text: res.body }, invalidHeaderFormat);
    });

    it('applies the validate option and the organization rules to a token, as on a guarded route', async () => {
      expectOutcome(await get('/articles', bearer(issuer.token({ sub: 'banned' }))), forbidden('auth.validation_failed', 'validation_failed'));
      const organizationToken = issuer.token({ audience: `urn:logto:organization:${ORG}`, organizationId: ORG });
      expectOutcome(await get('/articles', bearer(organizationToken)), forbidden('auth.organization_token_not_accepted', 'organization_token_not_accepted'));
    });
  });

  describe('HTTP, with the other decorators', () => {
    it('lets a requirement on the same handler win: no token is 401, a token must meet it', async () => {
      expectOutcome(await get('/feed/scoped'), headerMissing);
      const lacking = await get('/feed/scoped', bearer(issuer.token({ scopes: ['read:documents'] })));
      expect(lacking.status).toBe(403);
      expect(lacking.body.code).toBe('insufficient_scope');
      expect(lacking.headers['www-authenticate']).toBe(
        'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a scope this resource requires.", scope="read:feed"',
      );
      const res = await get('/feed/scoped', bearer(issuer.token({ scopes: ['read:feed'] })));
      expectOutcome(res, { kind: 'accepted' });
      expect(res.body).toEqual({ sub: 'test-user' });
    });

    it('lets @RequireOrganization() on the same handler win', async () => {
      expectOutcome(await get(`/feed/orgs/${ORG}`), headerMissing);
      expectOutcome(await get(`/feed/orgs/${ORG}`, bearer(issuer.token())), forbidden('auth.organization_required', 'organization_required'));
      const res = await get(`/feed/orgs/${ORG}`, bearer(issuer.token({ audience: `urn:logto:organization:${ORG}`, organizationId: ORG })));
      expectOutcome(res, { kind: 'accepted' });
      expect(res.body).toEqual({ organizationId: ORG });
    });

    it('wins over @Public() on the same handler: a token sent is checked and its user given', async () => {
      expectOutcome(await get('/feed/public-and-optional'), { kind: 'accepted' });
      expect((await get('/feed/public-and-optional', bearer(issuer.token()))).body).toEqual({ sub: 'test-user' });
      expectOutcome(await get('/feed/public-and-optional', bearer(issuer.tokens.expired())), invalidToken('expired'));
      // Unlike @Public() alone, which does not read the header at all.
      expectOutcome(await get('/feed/public', bearer(issuer.tokens.expired())), { kind: 'accepted' });
      expect((await get('/feed/public', bearer(issuer.token()))).body).toEqual({ sub: null });
    });

    it('applies on a class to every handler; a handler @Public() or with a requirement wins over it', async () => {
      expect((await get('/optional-class')).body).toEqual({ sub: null });
      expect((await get('/optional-class', bearer(issuer.token()))).body).toEqual({ sub: 'test-user' });
      expectOutcome(await get('/optional-class', 'Bearer a.b.c'), invalidToken('malformed_token'));
      expectOutcome(await get('/optional-class/health', bearer(issuer.tokens.expired())), { kind: 'accepted' });
      expectOutcome(await get('/optional-class/search'), headerMissing);
      expect((await get('/optional-class/search', bearer(issuer.token({ scopes: ['search:own'] })))).body).toEqual({ sub: 'test-user' });
    });
  });

  describe('GraphQL queries', () => {
    const gql = (query: string, authorization?: string) => {
      const req = request(url).post('/graphql').set('Content-Type', 'application/json');
      return (authorization === undefined ? req : req.set('Authorization', authorization)).send({ query });
    };

    it('answers without a token with no user, on every field', async () => {
      const res = await gql('{ a: viewer b: viewer }');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: { a: 'anonymous', b: 'anonymous' } });
      expect(res.headers['www-authenticate']).toBeUndefined();
    });

    it('gives the user of a valid token, verified once for all the fields of the request', async () => {
      const verify = verifications();
      const res = await gql('{ a: viewer b: viewer c: viewer }', bearer(issuer.token({ sub: 'gql-user' })));
      expect(res.body).toEqual({ data: { a: 'gql-user', b: 'gql-user', c: 'gql-user' } });
      expect(verify()).toBe(1);
    });

    it('refuses an invalid token: UNAUTHENTICATED with the module code and the challenge header', async () => {
      const res = await gql('{ viewer }', bearer(issuer.tokens.expired()));
      expect(res.body.data).toBeNull();
      expect(res.body.errors[0]).toMatchObject({
        message: 'The access token has expired.',
        path: ['viewer'],
        extensions: { code: 'UNAUTHENTICATED', logtoCode: 'invalid_token' },
      });
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_token", error_description="The access token has expired."');
    });

    it('refuses another scheme, and lets a requirement on the same field win', async () => {
      const basic = await gql('{ viewer }', 'Basic dXNlcjpwYXNz');
      expect(basic.body.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', logtoCode: 'auth.authorization_token_type_not_supported' });
      expect(basic.headers['www-authenticate']).toBe('Bearer realm="api"');
      const scoped = await gql('{ viewer scopedViewer }');
      expect(scoped.body.data).toEqual({ viewer: 'anonymous', scopedViewer: null });
      expect(scoped.body.errors.map((error: { path: string[] }) => error.path)).toEqual([['scopedViewer']]);
      expect(scoped.body.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', logtoCode: 'auth.authorization_header_missing' });
      expect(scoped.headers['www-authenticate']).toBe('Bearer realm="api"');
    });
  });

  describe('Socket.IO messages', () => {
    const connect = async (credentials: Parameters<typeof connectSocket>[1]) => {
      const socket = await connectSocket(url, credentials);
      sockets.push(socket);
      return socket;
    };
    const expectClosedWith = async (socket: Socket, event: string, payload: object) => {
      const exception = nextEvent(socket, 'exception');
      const disconnected = nextEvent(socket, 'disconnect');
      socket.emit(event);
      expect(await exception).toEqual({ status: 'error', ...payload });
      expect(await disconnected).toBe('io server disconnect');
    };

    it('answers a connection without a token with no user, message after message', async () => {
      const socket = await connect({});
      expect(await socket.emitWithAck('viewer')).toBe('anonymous');
      expect(await socket.emitWithAck('viewer')).toBe('anonymous');
    });

    it("gives the handshake token's user, verified once for the connection", async () => {
      const verify = verifications();
      const socket = await connect({ authToken: issuer.token({ sub: 'ws-user' }) });
      for (let i = 0; i < 3; i++) expect(await socket.emitWithAck('viewer')).toBe('ws-user');
      expect(verify()).toBe(1);
    });

    it('refuses an invalid handshake token with invalid_token and closes the connection', async () => {
      const socket = await connect({ authToken: issuer.tokens.expired() });
      await expectClosedWith(socket, 'viewer', { code: 'invalid_token', message: 'The access token has expired.' });
    });

    it('refuses another scheme in the handshake header', async () => {
      const socket = await connect({ authorization: 'Basic dXNlcjpwYXNz' });
      await expectClosedWith(socket, 'viewer', {
        code: 'auth.authorization_token_type_not_supported',
        message: 'The Authorization header must use the Bearer scheme.',
      });
    });

    it('lets a requirement on the same handler win: no token is refused', async () => {
      const socket = await connect({});
      await expectClosedWith(socket, 'scoped', { code: 'auth.authorization_header_missing', message: 'The Authorization header is missing.' });
    });
  });
});

// As the other README examples are compiled (strict, nest new's decorator settings), here against lib/.
it('the README example type-checks verbatim, with the user typed LogtoUser | undefined', () => {
  mkdirSync(readmeDir, { recursive: true });
  const file = join(readmeDir, 'articles.controller.ts');
  writeFileSync(file, readmeController.code);
  const program = ts.createProgram([file], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    isolatedModules: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    skipLibCheck: true,
    types: ['node'],
    noEmit: true,
    paths: { 'nestjs-logto': [join(root, 'lib/index.ts')] },
  });
  // The example's own diagnostics: lib/ is compiled by `npm run typecheck` with the repository's settings.
  const diagnostics = ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
  expect(diagnostics).toEqual([]);
}, 60_000);

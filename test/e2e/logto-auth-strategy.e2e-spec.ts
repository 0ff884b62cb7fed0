import { Controller, Get, INestApplication, Injectable, UnauthorizedException, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import passport, { Strategy } from 'passport';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CurrentUser, LogtoAuthCounters, LogtoAuthException, LogtoAuthGuard, LogtoAuthModule, LogtoAuthModuleOptions, LogtoTokenCache, LogtoUser } from '../../lib';
import { verificationsSince } from '../helpers/verifications-since';
import { LOGTO_AUTH_FAILURES, LogtoAuthFailure } from '../../lib/errors/logto-auth-failures';
import { createTestKey, TestKey } from '../helpers/keys';
import { JwksServer, startJwksServer } from '../helpers/jwks-server';
import { b64url, signAccessToken, TEST_AUDIENCE } from '../helpers/sign-token';
import { ADAPTERS, AdapterName, createTestApp } from '../helpers/test-app';

/** A second strategy for composition: an API key in `X-Api-Key` (passport-http-bearer is not installed). */
class ApiKeyStrategy extends Strategy {
  override name = 'api-key';
  override authenticate(request: { headers: Record<string, string | string[] | undefined> }): void {
    if (request.headers['x-api-key'] === 'key-1') this.success({ sub: 'api-key-client' });
    else this.fail('ApiKey', 401);
  }
}

/** The README recipe: AuthGuard('logto') answering with the module's status, code and message. */
@Injectable()
class PreciseLogtoGuard extends AuthGuard('logto') {
  override handleRequest<TUser>(error: unknown, user: TUser, info: unknown): TUser {
    if (error) throw error;
    if (!user) throw [info].flat().find((challenge) => challenge instanceof LogtoAuthException) ?? new UnauthorizedException();
    return user;
  }
}

@Controller()
class PassportController {
  @Get('logto')
  @UseGuards(AuthGuard('logto'))
  logto(@CurrentUser() user: LogtoUser) {
    return { sub: user.sub, scopes: user.scopes };
  }

  @Get('precise')
  @UseGuards(PreciseLogtoGuard)
  precise(@CurrentUser() user: LogtoUser) {
    return { sub: user.sub };
  }

  @Get('either')
  @UseGuards(AuthGuard(['logto', 'api-key']))
  either(@CurrentUser() user: { sub: string }) {
    return { sub: user.sub };
  }

  @Get('either-reversed')
  @UseGuards(AuthGuard(['api-key', 'logto']))
  eitherReversed(@CurrentUser() user: { sub: string }) {
    return { sub: user.sub };
  }

  @Get('unguarded')
  unguarded() {
    return { ok: true };
  }

  @Get('guard')
  @UseGuards(LogtoAuthGuard)
  guard(@CurrentUser() user: LogtoUser) {
    return { sub: user.sub };
  }
}

interface PassportApp {
  readonly app: INestApplication;
  readonly jwks: JwksServer;
  readonly key: TestKey;
  token(claims?: Record<string, unknown>, key?: TestKey): string;
  get(path: string, headers?: Record<string, string>): Promise<request.Response>;
  close(): Promise<void>;
}

async function startPassportApp(adapter: AdapterName, options: Partial<LogtoAuthModuleOptions> = {}): Promise<PassportApp> {
  const key = createTestKey('ES384');
  const jwks = await startJwksServer([key.jwk]);
  const app = await createTestApp(adapter, {
    imports: [LogtoAuthModule.forRoot({ endpoint: jwks.endpoint, audience: TEST_AUDIENCE, global: false, ...options })],
    controllers: [PassportController],
  });
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer();
  return {
    app,
    jwks,
    key,
    token: (claims = {}, signer = key) => signAccessToken({ key: signer, issuer: jwks.issuer, claims }),
    get: (path, headers = {}) => request(server).get(path).set(headers),
    close: async () => {
      await app.close();
      await jwks.close();
    },
  };
}

const now = () => Math.floor(Date.now() / 1000);

/** Each refusal of the verifier, as the request that causes it. */
function refusals(api: PassportApp): [LogtoAuthFailure, Record<string, string>][] {
  const stranger = createTestKey('ES384');
  const [header, , signature] = api.token().split('.');
  const tampered = `${header}.${b64url({ iss: api.jwks.issuer, aud: TEST_AUDIENCE, sub: 'admin', client_id: 'c', exp: now() + 60, iat: now(), jti: 'j' })}.${signature}`;
  return [
    ['header_missing', {}],
    ['scheme_not_bearer', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['invalid_header_format', { authorization: 'Bearer a b' }],
    ['opaque_token', { authorization: 'Bearer O4nPzD0dWNwCFdn0G2hI3ptXw0ZnVvTHuaEmxGDjd4b' }],
    ['malformed_token', { authorization: 'Bearer a.b.c' }],
    ['wrong_token_type', { authorization: `Bearer ${signAccessToken({ key: api.key, issuer: api.jwks.issuer, header: { typ: 'JWT' } })}` }],
    ['wrong_issuer', { authorization: `Bearer ${api.token({ iss: 'https://evil.example.com/oidc' })}` }],
    ['wrong_audience', { authorization: `Bearer ${api.token({ aud: 'https://other.example.com' })}` }],
    ['expired', { authorization: `Bearer ${api.token({ exp: now() - 60 })}` }],
    ['unknown_key', { authorization: `Bearer ${api.token({}, stranger)}` }],
    ['bad_signature', { authorization: `Bearer ${tampered}` }],
    ['invalid_claims', { authorization: `Bearer ${api.token({ sub: undefined })}` }],
  ];
}

function expectModuleRefusal(res: request.Response, reason: LogtoAuthFailure) {
  const rule = LOGTO_AUTH_FAILURES[reason];
  const error = { 401: 'Unauthorized', 403: 'Forbidden', 503: 'Service Unavailable' }[rule.status as 401 | 403 | 503];
  expect({ status: res.status, body: res.body }).toEqual({
    status: rule.status,
    body: { statusCode: rule.status, error, code: rule.code, message: rule.description },
  });
  // passport hands challenges to the guard's handleRequest; @nestjs/passport writes no WWW-Authenticate header
  expect(res.headers['www-authenticate']).toBeUndefined();
}

describe.each(ADAPTERS)("AuthGuard('logto') with global: false over %s", (adapter) => {
  let api: PassportApp;

  beforeAll(async () => {
    passport.use(new ApiKeyStrategy());
    api = await startPassportApp(adapter);
  });
  afterAll(async () => {
    passport.unuse('api-key');
    await api?.close();
  });

  it('lets a valid token in, with the LogtoUser as request.user (@CurrentUser)', async () => {
    const res = await api.get('/logto', { authorization: `Bearer ${api.token({ scope: 'read:documents' })}` });
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { sub: 'user-1', scopes: ['read:documents'] } });
  });

  it('counts its verifications and cache lookups in LogtoAuthCounters, as the global guard does', async () => {
    const verified = verificationsSince(api.app);
    const token = api.token({ scope: 'read:documents' });
    for (let i = 0; i < 2; i++) expect((await api.get('/logto', { authorization: `Bearer ${token}` })).status).toBe(200);
    expect(verified()).toBe(1); // the second request is a hit of the verified-token cache
  });

  it('guards only where it is applied (no global guard)', async () => {
    expect((await api.get('/unguarded')).status).toBe(200);
  });

  it("answers each refusal as @nestjs/passport does: 401 Unauthorized, no code, no WWW-Authenticate", async () => {
    for (const [reason, headers] of refusals(api)) {
      const res = await api.get('/logto', headers);
      expect({ reason, status: res.status, body: res.body }).toEqual({ reason, status: 401, body: { statusCode: 401, message: 'Unauthorized' } });
      expect(res.headers['www-authenticate']).toBeUndefined();
    }
  });

  it("hands the module's refusal to handleRequest as info: the README guard answers with its status, code and message", async () => {
    for (const [reason, headers] of refusals(api)) expectModuleRefusal(await api.get('/precise', headers), reason);
    const res = await api.get('/precise', { authorization: `Bearer ${api.token()}` });
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { sub: 'user-1' } });
  });

  it.each(['/either', '/either-reversed'])('composes with another strategy on %s: either one lets the request in', async (path) => {
    const logto = await api.get(path, { authorization: `Bearer ${api.token()}` });
    expect({ status: logto.status, body: logto.body }).toEqual({ status: 200, body: { sub: 'user-1' } });
    const apiKey = await api.get(path, { 'x-api-key': 'key-1' });
    expect({ status: apiKey.status, body: apiKey.body }).toEqual({ status: 200, body: { sub: 'api-key-client' } });
    // a refused Logto token is a passport failure, so the next strategy still gets its turn
    const both = await api.get(path, { authorization: `Bearer ${api.token({ exp: now() - 60 })}`, 'x-api-key': 'key-1' });
    expect({ status: both.status, body: both.body }).toEqual({ status: 200, body: { sub: 'api-key-client' } });
    const neither = await api.get(path, { authorization: `Bearer ${api.token({ exp: now() - 60 })}`, 'x-api-key': 'wrong' });
    expect({ status: neither.status, body: neither.body }).toEqual({ status: 401, body: { statusCode: 401, message: 'Unauthorized' } });
    expect(neither.headers['www-authenticate']).toBeUndefined();
  });
});

describe.each(ADAPTERS)("AuthGuard('logto') while the JWKS is down over %s", (adapter) => {
  let api: PassportApp;

  beforeAll(async () => {
    passport.use(new ApiKeyStrategy());
    api = await startPassportApp(adapter, { jwksTimeoutMs: 1_000 });
    await api.jwks.stop();
  });
  afterAll(async () => {
    passport.unuse('api-key');
    await api?.close();
  });

  it('answers 503 auth.jwks_unavailable (a passport error: nothing can be decided), also in a chain', async () => {
    for (const path of ['/logto', '/precise', '/either']) {
      const res = await api.get(path, { authorization: `Bearer ${api.token()}` });
      expectModuleRefusal(res, 'jwks_unavailable');
    }
  });
});

describe.each(ADAPTERS)("AuthGuard('logto') and the verified-token cache over %s", (adapter) => {
  // One app at a time: the controller's AuthGuard('logto') names passport's one strategy of that name.
  let api: PassportApp | undefined;
  async function start(options: Partial<LogtoAuthModuleOptions> = {}): Promise<PassportApp> {
    api = await startPassportApp(adapter, options);
    return api;
  }
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  /** What the module counted from now on: full verifications and cache hits. */
  function countsSince(target: PassportApp): () => { verifications: number; cacheHits: number } {
    const counters = target.app.get(LogtoAuthCounters);
    const start = counters.snapshot();
    return () => ({ verifications: counters.verifications - start.verifications, cacheHits: counters.cacheHits - start.cacheHits });
  }
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('verifies a repeated token once: the next requests are cache hits', async () => {
    const app = await start();
    const counts = countsSince(app);
    const token = app.token({ scope: 'read:documents' });
    for (let i = 0; i < 3; i++) {
      const res = await app.get('/logto', bearer(token));
      expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { sub: 'user-1', scopes: ['read:documents'] } });
    }
    expect(counts()).toEqual({ verifications: 1, cacheHits: 2 });
  });

  it('shares verified tokens with LogtoAuthGuard of the same module, both ways', async () => {
    const app = await start();
    const counts = countsSince(app);
    const first = app.token({ jti: 'strategy-first' });
    expect((await app.get('/logto', bearer(first))).status).toBe(200);
    expect((await app.get('/guard', bearer(first))).body).toEqual({ sub: 'user-1' }); // @UseGuards(LogtoAuthGuard): a hit
    const second = app.token({ jti: 'guard-first' });
    expect((await app.get('/guard', bearer(second))).status).toBe(200);
    expect((await app.get('/logto', bearer(second))).body).toEqual({ sub: 'user-1', scopes: ['read:documents'] }); // AuthGuard('logto'): a hit
    expect(counts()).toEqual({ verifications: 2, cacheHits: 2 });
  });

  it('shares verified tokens with the global LogtoAuthGuard: a token it verified is a hit for the strategy', async () => {
    const app = await start({ global: true });
    const counts = countsSince(app);
    const token = app.token();
    expect((await app.get('/unguarded', bearer(token))).status).toBe(200); // the global guard verifies it
    // the global guard, then the strategy behind it, find it in the cache
    expect((await app.get('/logto', bearer(token))).body).toEqual({ sub: 'user-1', scopes: ['read:documents'] });
    expect(counts()).toEqual({ verifications: 1, cacheHits: 2 });
  });

  it('with tokenCache: false, verifies every request in full', async () => {
    const app = await start({ tokenCache: false });
    const counts = countsSince(app);
    const token = app.token();
    for (let i = 0; i < 3; i++) expect((await app.get('/logto', bearer(token))).status).toBe(200);
    expect(counts()).toEqual({ verifications: 3, cacheHits: 0 });
    expect(app.app.get(LogtoTokenCache).size).toBe(0);
  });

  it('never remembers a refused token: a second request is verified again, and refused again', async () => {
    const app = await start();
    const counts = countsSince(app);
    const refused = app.token({ sub: undefined }); // signed by a known key, refused after the signature
    for (let i = 0; i < 2; i++) expectModuleRefusal(await app.get('/precise', bearer(refused)), 'invalid_claims');
    expect(counts()).toEqual({ verifications: 2, cacheHits: 0 });
    expect(app.app.get(LogtoTokenCache).size).toBe(0);
  });

  it('verifies in full again after LogtoTokenCache.clear()', async () => {
    const app = await start();
    const token = app.token();
    expect((await app.get('/logto', bearer(token))).status).toBe(200);
    const counts = countsSince(app);
    expect((await app.get('/logto', bearer(token))).status).toBe(200);
    expect(counts()).toEqual({ verifications: 0, cacheHits: 1 });
    app.app.get(LogtoTokenCache).clear();
    expect((await app.get('/logto', bearer(token))).status).toBe(200);
    expect(counts()).toEqual({ verifications: 1, cacheHits: 1 });
  });
});

describe('two modules with their own strategy names in one process', () => {
  @Controller()
  class TenantsController {
    @Get('a')
    @UseGuards(AuthGuard('logto-a'))
    a(@CurrentUser() user: LogtoUser) {
      return { issuer: user.issuer };
    }

    @Get('b')
    @UseGuards(AuthGuard('logto-b'))
    b(@CurrentUser() user: LogtoUser) {
      return { issuer: user.issuer };
    }
  }

  const keys = { a: createTestKey('ES384'), b: createTestKey('ES384') };
  const servers: Partial<Record<'a' | 'b', JwksServer>> = {};
  const apps: Partial<Record<'a' | 'b', INestApplication>> = {};

  beforeAll(async () => {
    for (const name of ['a', 'b'] as const) {
      const jwks = await startJwksServer([keys[name].jwk]);
      servers[name] = jwks;
      apps[name] = await createTestApp('express', {
        imports: [LogtoAuthModule.forRoot({ endpoint: jwks.endpoint, audience: TEST_AUDIENCE, strategyName: `logto-${name}` })],
        controllers: [TenantsController],
      });
    }
  });
  afterAll(async () => {
    for (const name of ['a', 'b'] as const) {
      await apps[name]?.close();
      await servers[name]?.close();
    }
  });

  const tokenOf = (name: 'a' | 'b') => signAccessToken({ key: keys[name], issuer: servers[name]!.issuer });
  const get = (app: 'a' | 'b', path: string, token: string) =>
    request(apps[app]!.getHttpServer()).get(path).set('authorization', `Bearer ${token}`);

  it('each strategy verifies with its own module options, whichever app applies it', async () => {
    for (const app of ['a', 'b'] as const) {
      const viaA = await get(app, '/a', tokenOf('a'));
      expect({ status: viaA.status, body: viaA.body }).toEqual({ status: app === 'a' ? 200 : 401, body: expect.anything() });
      expect((await get(app, '/a', tokenOf('b'))).status).toBe(401);
      expect((await get(app, '/b', tokenOf('a'))).status).toBe(401);
    }
    expect((await get('b', '/b', tokenOf('b'))).body).toEqual({ issuer: servers.b!.issuer });
  });

  it("each app's global LogtoAuthGuard verifies with its own options, not passport's registry", async () => {
    // app a's global guard refuses b's token before AuthGuard('logto-b') runs, and the other way round
    const refused = await get('a', '/b', tokenOf('b'));
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('invalid_token');
    expect(refused.headers['www-authenticate']).toContain('error="invalid_token"');
    expect((await get('a', '/a', tokenOf('a'))).body).toEqual({ issuer: servers.a!.issuer });
  });
});

import { Controller, Get, INestApplication, UseGuards } from '@nestjs/common';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LogtoAuthCounters, LogtoAuthGuard, LogtoAuthModule, LogtoAuthModuleOptions, LogtoTokenCache } from '../../lib';
import { IssuerKeyResolvers } from '../../lib/keys/issuer-key.resolvers';
import { DocumentsController } from '../helpers/documents.controller';
import { createTestKey, TestKey } from '../helpers/keys';
import { JwksServer, startJwksServer } from '../helpers/jwks-server';
import { signAccessToken, TEST_AUDIENCE } from '../helpers/sign-token';
import { MAX_CACHED_TOKEN_LENGTH } from '../../lib/cache/verified-token.cache';
import { ADAPTERS, AdapterName, createTestApp } from '../helpers/test-app';

@Controller('a')
@UseGuards(LogtoAuthGuard)
class FirstGuardedController {
  @Get() get() {
    return { from: 'a' };
  }
}

@Controller('b')
@UseGuards(LogtoAuthGuard)
class SecondGuardedController {
  @Get() get() {
    return { from: 'b' };
  }
}

interface CachedApp {
  app: INestApplication;
  cache: LogtoTokenCache;
  counters: LogtoAuthCounters;
  /** Full verifications (key + signature) since the last `resetCounts()`, from the module's own counters. */
  verified(): number;
  resetCounts(): void;
}

async function startApp(adapter: AdapterName, jwks: JwksServer, options: Partial<LogtoAuthModuleOptions>, controllers: unknown[]) {
  const app = await createTestApp(adapter, {
    imports: [LogtoAuthModule.forRoot({ endpoint: jwks.endpoint, audience: TEST_AUDIENCE, ...options })],
    controllers: controllers as never[],
  });
  const counters = app.get(LogtoAuthCounters);
  let baseline = counters.verifications;
  const verified = () => counters.verifications - baseline;
  const resetCounts = () => void (baseline = counters.verifications);
  return { app, cache: app.get(LogtoTokenCache), counters, verified, resetCounts } satisfies CachedApp;
}

const INVALID = 'error="invalid_token"';

describe.each(ADAPTERS)('verified-token cache over %s', (adapter) => {
  const [k1, k2] = [createTestKey('ES384'), createTestKey('ES384')];
  let jwks: JwksServer;
  let cached: CachedApp;
  let uncached: CachedApp;
  let perRoute: CachedApp;
  let shortKeyAge: CachedApp;
  const token = (key: TestKey = k1, claims: Record<string, unknown> = {}) => signAccessToken({ key, issuer: jwks.issuer, claims });
  const get = (target: CachedApp, path: string, bearer: string) =>
    request(target.app.getHttpServer()).get(path).set('Authorization', `Bearer ${bearer}`);

  beforeAll(async () => {
    jwks = await startJwksServer([k1.jwk, k2.jwk]);
    const options = { jwksCooldownMs: 0, tokenCache: { maxEntries: 3, ttlMs: 60_000 } };
    cached = await startApp(adapter, jwks, options, [DocumentsController]);
    uncached = await startApp(adapter, jwks, { tokenCache: false }, [DocumentsController]);
    perRoute = await startApp(adapter, jwks, { global: false }, [FirstGuardedController, SecondGuardedController]);
    shortKeyAge = await startApp(adapter, jwks, { jwksCacheMaxAgeMs: 1_000, jwksCooldownMs: 0, tokenCache: { ttlMs: 60_000 } }, [DocumentsController]);
  });
  beforeEach(() => {
    jwks.setKeys([k1.jwk, k2.jwk]);
    for (const target of [cached, uncached, perRoute, shortKeyAge]) {
      target.cache.clear();
      target.resetCounts();
    }
  });
  afterEach(() => vi.useRealTimers());
  afterAll(async () => {
    await Promise.all([cached, uncached, perRoute, shortKeyAge].map((target) => target?.app.close()));
    await jwks?.close();
  });

  it('verifies a repeated token once and returns the same user from the cache', async () => {
    const bearer = token();
    const first = await get(cached, '/documents', bearer);
    const second = await get(cached, '/documents', bearer);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body.user).toEqual(first.body.user);
    expect(second.body.user.sub).toBe('user-1');
    expect(cached.verified()).toBe(1);
  });

  it('forgets every verified token on LogtoTokenCache.clear(): the next request verifies in full', async () => {
    const bearer = token();
    expect((await get(cached, '/documents', bearer)).status).toBe(200);
    expect(cached.cache.size).toBe(1);
    cached.app.get(LogtoTokenCache).clear();
    expect(cached.cache.size).toBe(0);
    expect((await get(cached, '/documents', bearer)).status).toBe(200);
    expect(cached.verified()).toBe(2);
  });

  it('still checks scopes on every request from the cached user', async () => {
    const bearer = token();
    expect((await get(cached, '/documents', bearer)).status).toBe(200);
    const res = await request(cached.app.getHttpServer()).post('/documents').set('Authorization', `Bearer ${bearer}`);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient_scope');
    expect(res.headers['www-authenticate']).toContain('scope="read:documents write:documents"');
    expect(cached.verified()).toBe(1);
  });

  it('never serves an entry past the token exp, even inside the ttl', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const bearer = token(k1, { exp: Math.floor(Date.now() / 1000) + 30 }); // ttl is 60 s
    expect((await get(cached, '/documents', bearer)).status).toBe(200);
    vi.setSystemTime(Date.now() + 36_000); // past exp and the 5 s clock tolerance
    const res = await get(cached, '/documents', bearer);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'invalid_token', message: 'The access token has expired.' });
    expect(res.headers['www-authenticate']).toContain(INVALID);
  });

  it('ends an entry at exp: inside the clock tolerance the token is verified in full again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const bearer = token(k1, { exp: Math.floor(Date.now() / 1000) + 30 });
    expect((await get(cached, '/documents', bearer)).status).toBe(200);
    vi.setSystemTime(Date.now() + 32_000); // past exp, inside the tolerance
    expect((await get(cached, '/documents', bearer)).status).toBe(200);
    expect(cached.verified()).toBe(2);
    expect(cached.cache.size).toBe(0);
  });

  it('ends an entry after the ttl, long before a one-hour token expires (the ttl is on the monotonic clock)', async () => {
    vi.useFakeTimers({ toFake: ['performance'] }); // the wall clock runs on: token times stay valid
    const bearer = token();
    await get(cached, '/documents', bearer);
    vi.advanceTimersByTime(59_000);
    await get(cached, '/documents', bearer);
    expect(cached.verified()).toBe(1);
    vi.advanceTimersByTime(2_000);
    expect((await get(cached, '/documents', bearer)).status).toBe(200);
    expect(cached.verified()).toBe(2);
  });

  it('keeps at most maxEntries tokens and forgets the least recently used first', async () => {
    const [t1, t2, t3, t4] = [token(), token(), token(), token()];
    for (const bearer of [t1, t2, t3, t1, t4]) expect((await get(cached, '/documents', bearer)).status).toBe(200);
    expect(cached.verified()).toBe(4);
    expect(cached.cache.size).toBe(3);
    for (const bearer of [t1, t3, t4]) await get(cached, '/documents', bearer);
    expect(cached.verified()).toBe(4);
    await get(cached, '/documents', t2);
    expect(cached.verified()).toBe(5);
  });

  it('drops the entries of a key as soon as a JWKS refresh shows it removed', async () => {
    const [byK1, byK2] = [token(k1), token(k2)];
    for (const bearer of [byK1, byK2]) expect((await get(cached, '/documents', bearer)).status).toBe(200);
    const rotatedIn = createTestKey('ES384'); // unknown to the app whatever ran before
    jwks.setKeys([k2.jwk, rotatedIn.jwk]); // k1 rotated out
    const requestsBefore = jwks.requests;
    expect((await get(cached, '/documents', token(rotatedIn))).status).toBe(200); // unknown kid: the real refresh
    expect(jwks.requests).toBe(requestsBefore + 1);
    const res = await get(cached, '/documents', byK1);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'invalid_token', message: 'The access token is signed with a key this API does not know.' });
    expect(res.headers['www-authenticate']).toContain(INVALID);
    const verifiedBefore = cached.verified();
    expect((await get(cached, '/documents', byK2)).status).toBe(200);
    expect(cached.verified()).toBe(verifiedBefore); // k2's entry survived
  });

  it('ends an entry with the key set that verified it, so a removed key stops working even if only cached tokens come', async () => {
    vi.useFakeTimers({ toFake: ['performance'] }); // key-set age is on the monotonic clock
    const bearer = token(k1);
    expect((await get(shortKeyAge, '/documents', bearer)).status).toBe(200);
    expect((await get(shortKeyAge, '/documents', bearer)).status).toBe(200);
    expect(shortKeyAge.verified()).toBe(1);
    jwks.setKeys([k2.jwk]); // k1 withdrawn
    vi.advanceTimersByTime(1_500); // past jwksCacheMaxAgeMs, well inside the ttl
    const res = await get(shortKeyAge, '/documents', bearer);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'invalid_token', message: 'The access token is signed with a key this API does not know.' });
    expect(res.headers['www-authenticate']).toContain(INVALID);
    expect(shortKeyAge.verified()).toBe(2);
  });

  it('drops the entries of a key replaced under the same kid: the old key\'s tokens stop passing', async () => {
    const original = createTestKey('ES384'); // a kid of its own: the replacement outlives this test in the app
    const replaced = createTestKey('ES384', original.kid); // new key material, same kid
    jwks.setKeys([k1.jwk, k2.jwk, original.jwk]);
    const byOriginal = token(original);
    expect((await get(cached, '/documents', byOriginal)).status).toBe(200); // a refresh may have run meanwhile: maybe not stored
    expect((await get(cached, '/documents', byOriginal)).status).toBe(200); // stored now
    cached.resetCounts();
    expect((await get(cached, '/documents', byOriginal)).status).toBe(200);
    expect(cached.verified()).toBe(0); // served from the cache
    const rotatedIn = createTestKey('ES384');
    jwks.setKeys([k1.jwk, k2.jwk, replaced.jwk, rotatedIn.jwk]);
    expect((await get(cached, '/documents', token(rotatedIn))).status).toBe(200); // unknown kid: the real refresh
    const res = await get(cached, '/documents', byOriginal);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'invalid_token', message: 'The access token signature is invalid.' });
    expect(res.headers['www-authenticate']).toContain(INVALID);
    expect((await get(cached, '/documents', token(replaced))).status).toBe(200);
  });

  it('never stores a token over 4 KiB (the total by characters: unit spec)', async () => {
    const padding = 'x'.repeat(MAX_CACHED_TOKEN_LENGTH); // a custom claim that alone passes the bound
    const oversized = token(k1, { padding });
    expect(oversized.length).toBeGreaterThan(MAX_CACHED_TOKEN_LENGTH);
    for (let i = 0; i < 2; i++) expect((await get(cached, '/documents', oversized)).body).toMatchObject({ user: { sub: 'user-1' } });
    expect(cached.verified()).toBe(2);
    expect(cached.cache.size).toBe(0);
    const justUnder = token(k1, { padding: '' });
    const fill = 'y'.repeat(Math.floor(((MAX_CACHED_TOKEN_LENGTH - justUnder.length) * 3) / 4) - 8); // base64url: 4 per 3
    const large = token(k1, { padding: fill });
    expect(large.length).toBeLessThanOrEqual(MAX_CACHED_TOKEN_LENGTH);
    for (let i = 0; i < 2; i++) expect((await get(cached, '/documents', large)).status).toBe(200);
    expect(cached.verified()).toBe(3); // a token under the bound is cached
  });

  it('does not store a verification that raced a key removal: the next request is verified in full and refused', async () => {
    const keys = cached.app.get(IssuerKeyResolvers);
    const getKey = keys.getKey.bind(keys);
    const bearer = token(k1);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let verifiedWithK1 = false;
    // The real verification gets k1, then is held before its signature check and the guard's store.
    vi.spyOn(keys, 'getKey').mockImplementationOnce(async (...args) => {
      const key = await getKey(...args);
      verifiedWithK1 = true;
      await gate;
      return key;
    });
    const inFlight = get(cached, '/documents', bearer).then((res) => res);
    await vi.waitFor(() => expect(verifiedWithK1).toBe(true), { timeout: 10_000 });
    // Meanwhile a refresh (caused by a new kid) finds k1 gone from the JWKS.
    const fresh = createTestKey('ES384');
    jwks.setKeys([k2.jwk, fresh.jwk]);
    expect((await get(cached, '/documents', token(fresh))).status).toBe(200);
    release();
    expect((await inFlight).status).toBe(200); // verified while k1 was still published
    expect(cached.verified()).toBe(2);
    const res = await get(cached, '/documents', bearer);
    expect(cached.verified()).toBe(3); // no cache entry answered: a full verification
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'invalid_token', message: 'The access token is signed with a key this API does not know.' });
    expect(res.headers['www-authenticate']).toContain(INVALID);
  });

  it('never stores a refused token', async () => {
    const forged = `${token(k1).split('.').slice(0, 2).join('.')}.${token(k2).split('.')[2]}`;
    const expired = token(k1, { exp: Math.floor(Date.now() / 1000) - 60 });
    const foreign = token(k1, { aud: 'https://other.example.com' });
    for (const bearer of [forged, forged, expired, foreign]) {
      const res = await get(cached, '/documents', bearer);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid_token');
      expect(res.headers['www-authenticate']).toContain(INVALID);
    }
    expect((await get(cached, '/documents', forged)).body.message).toBe('The access token signature is invalid.');
    expect(cached.cache.size).toBe(0);
  });

  it('serves an entry only to the exact token: another payload with a cached signature is checked in full', async () => {
    const genuine = token(k1, { scope: 'read:documents' });
    expect((await get(cached, '/documents', genuine)).status).toBe(200);
    const [header, , signature] = genuine.split('.');
    const escalated = `${header}.${token(k1, { scope: 'read:documents write:documents' }).split('.')[1]}.${signature}`;
    const res = await request(cached.app.getHttpServer()).post('/documents').set('Authorization', `Bearer ${escalated}`);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'invalid_token', message: 'The access token signature is invalid.' });
    expect(res.headers['www-authenticate']).toContain(INVALID);
    expect(cached.verified()).toBe(2);
    expect((await get(cached, '/documents', genuine)).status).toBe(200); // the genuine entry is still served
    expect(cached.verified()).toBe(2);
  });

  it('is shared by every LogtoAuthGuard instance (@UseGuards)', async () => {
    const bearer = token();
    expect((await get(perRoute, '/a', bearer)).body).toEqual({ from: 'a' });
    expect((await get(perRoute, '/b', bearer)).body).toEqual({ from: 'b' });
    expect(perRoute.verified()).toBe(1);
  });

  it('with tokenCache: false, verifies every request in full', async () => {
    const bearer = token();
    for (let i = 0; i < 3; i++) expect((await get(uncached, '/documents', bearer)).status).toBe(200);
    expect(uncached.verified()).toBe(3);
    expect(uncached.cache.size).toBe(0);
  });
});

import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AccessTokenVerifier } from '../../lib/token/access-token.verifier';
import { ACCESS_TOKEN_RULES } from '../../lib/token/access-token.rules';
import { VerifiedTokenCache } from '../../lib/cache/verified-token.cache';
import { IssuerKeyResolvers } from '../../lib/keys/issuer-key.resolvers';
import { LogtoUserValidation } from '../../lib/logto-user.validation';
import { expectOutcome, invalidToken } from '../helpers/expect-outcome';
import { ProtectedApi, startProtectedApi } from '../helpers/protected-api';
import { createTestKey } from '../helpers/keys';
import { signAccessToken } from '../helpers/sign-token';
import { ADAPTERS } from '../helpers/test-app';
import { verificationsSince } from '../helpers/verifications-since';

/** A fault that is not the module's own refusal: what a bug, or a broken dependency, throws. */
const fault = () => new TypeError('a fault inside a verification piece');

/**
 * Fail closed (issue 16): an unexpected error thrown anywhere while a token is verified refuses the
 * request with the contract's 401 invalid_token and its challenge; it never lets it through, and never
 * becomes a 500.
 */
describe.each(ADAPTERS)('a fault during verification fails closed over %s', (adapter) => {
  let app: ProtectedApi;

  beforeAll(async () => {
    // tokenCache on, so the cache is one of the pieces that can fail
    app = await startProtectedApi(adapter, { options: { tokenCache: { maxEntries: 10, ttlMs: 60_000 } } });
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(() => app?.close());

  const pieces: [string, () => void][] = [
    ['the key resolver rejects', () => vi.spyOn(app.app.get(IssuerKeyResolvers), 'getKey').mockRejectedValue(fault())],
    ['the key resolver throws', () => vi.spyOn(app.app.get(IssuerKeyResolvers), 'getKey').mockImplementation(() => { throw fault(); })],
    ['the strategy rejects', () => vi.spyOn(app.app.get(AccessTokenVerifier), 'verify').mockRejectedValue(fault())],
    ['the strategy throws', () => vi.spyOn(app.app.get(AccessTokenVerifier), 'verify').mockImplementation(() => { throw fault(); })],
    ['a claim rule throws', () => vi.spyOn(ACCESS_TOKEN_RULES.find((rule) => rule.on === 'verified')!, 'refuses').mockImplementation(() => { throw fault(); })],
    ['the token cache throws on lookup', () => vi.spyOn(app.app.get(VerifiedTokenCache), 'get').mockImplementation(() => { throw fault(); })],
    ['the token cache throws on store', () => vi.spyOn(app.app.get(VerifiedTokenCache), 'remember').mockImplementation(() => { throw fault(); })],
    ['the user validation rejects', () => vi.spyOn(app.app.get(LogtoUserValidation), 'assert').mockRejectedValue(fault())],
  ];

  it.each(pieces)('%s: 401 invalid_token with its challenge, never 2xx nor 500', async (_, inject) => {
    inject();
    // a fresh token each time: no cache entry or earlier outcome can answer for it
    expectOutcome(await app.get('/documents', `Bearer ${app.token({ claims: { jti: `fault-${Math.random()}` } })}`), invalidToken('malformed_token'));
    vi.restoreAllMocks();
    expectOutcome(await app.get('/documents', `Bearer ${app.token({ claims: { jti: `after-${Math.random()}` } })}`), { kind: 'accepted' });
  });
});

/** README: a `@Public()` route does not read the Authorization header at all. */
describe.each(ADAPTERS)('@Public() routes over %s', (adapter) => {
  let app: ProtectedApi;

  beforeAll(async () => {
    app = await startProtectedApi(adapter, { options: { jwksCooldownMs: 0 } });
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(() => app?.close());

  it('never verify a token sent to them: a random-kid token causes no verification and no JWKS request', async () => {
    const verified = verificationsSince(app.app);
    const stranger = signAccessToken({ key: createTestKey('ES384'), issuer: app.jwks.issuer });
    app.jwks.resetCount();
    for (const authorization of [`Bearer ${stranger}`, 'Bearer not.a.jwt', 'Basic dXNlcjpwYXNz']) {
      const res = await request(app.url).get('/documents/health').set('Authorization', authorization);
      expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { ok: true } });
      expect(res.headers['www-authenticate']).toBeUndefined();
    }
    expect(verified()).toBe(0);
    expect(app.jwks.requests).toBe(0);
    // the same random-kid token on a guarded route is verified, and asks the JWKS for its kid
    expectOutcome(await app.get('/documents', `Bearer ${stranger}`), invalidToken('unknown_key'));
    expect(verified()).toBe(1);
    expect(app.jwks.requests).toBe(1);
  });
});

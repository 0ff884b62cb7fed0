import { describe, expect, it } from 'vitest';
import { LogtoAuthModule, LogtoAuthModuleOptions, LogtoUser } from '../../lib';
import { resolveLogtoAuthOptions } from '../../lib/logto-auth.options';
import { TEST_AUDIENCE } from '../helpers/sign-token';
import { createTestApp } from '../helpers/test-app';

const audience = 'https://api.example.com';
const resolve = (options: Partial<LogtoAuthModuleOptions>) => resolveLogtoAuthOptions(options as LogtoAuthModuleOptions);

describe('resolveLogtoAuthOptions', () => {
  it('derives issuer and JWKS from the endpoint and applies the defaults', () => {
    expect(resolve({ endpoint: 'https://tenant.logto.app/', audience })).toEqual({
      tenants: [{ issuers: ['https://tenant.logto.app/oidc'], jwksUri: 'https://tenant.logto.app/oidc/jwks', audiences: [audience] }],
      issuers: ['https://tenant.logto.app/oidc'],
      audiences: [audience],
      organizations: false,
      scopeClaim: 'scope',
      validateTimeoutMs: 5000,
      algorithms: ['ES384', 'ES256', 'ES512', 'RS256', 'PS256'],
      clockTolerance: 5,
      global: true,
      realm: 'api',
      strategyName: 'logto',
      jwksTimeoutMs: 5000,
      jwksCooldownMs: 30000,
      jwksCacheMaxAgeMs: 600000,
      jwksStaleMaxAgeMs: 3600000,
      tokenCache: { maxEntries: 10000, ttlMs: 300000 },
      warmUp: false,
    });
  });

  it('takes a strategy name for passport (several modules in one process)', () => {
    expect(resolve({ endpoint: 'https://t.logto.app', audience, strategyName: 'logto-admin' }).strategyName).toBe('logto-admin');
    expect(resolve({ endpoint: 'https://t.logto.app', audience, strategyName: 'tenant.a:v2_1' }).strategyName).toBe('tenant.a:v2_1');
  });

  it('takes explicit issuers (custom domains) and jwksUri, and audience lists', () => {
    const resolved = resolve({
      issuer: ['https://auth.example.com/oidc', 'https://tenant.logto.app/oidc'],
      jwksUri: 'https://tenant.logto.app/oidc/jwks',
      audience: [audience, 'https://api2.example.com'],
    });
    expect(resolved.issuers).toEqual(['https://auth.example.com/oidc', 'https://tenant.logto.app/oidc']);
    expect(resolved.tenants[0].jwksUri).toBe('https://tenant.logto.app/oidc/jwks');
    expect(resolved.audiences).toEqual([audience, 'https://api2.example.com']);
  });

  it('allows plain http on loopback only', () => {
    for (const host of ['localhost', '127.0.0.1', '[::1]']) {
      expect(resolve({ endpoint: `http://${host}:3001`, audience }).issuers).toEqual([`http://${host}:3001/oidc`]);
    }
  });

  it.each([
    ['jwksUri', { endpoint: 'https://t.logto.app', jwksUri: 'https://jwks-user:s3cret-Pa55@t.logto.app/oidc/jwks', audience }],
    ['endpoint', { endpoint: 'https://admin:s3cret-Pa55@t.logto.app', audience }],
    ['endpoint', { endpoint: 'https://s3cret-Pa55@t.logto.app', audience }], // a user name alone is refused too
    ['issuer', { issuer: 'https://u:s3cret-Pa55@t.logto.app/oidc', jwksUri: 'https://t.logto.app/oidc/jwks', audience }],
    ['tenants[1].jwksUri', { audience, tenants: [{ endpoint: 'https://a.logto.app' }, { endpoint: 'https://b.logto.app', jwksUri: 'https://u:s3cret-Pa55@b.logto.app/jwks' }] }],
  ])('refuses a user name or password in %s at start-up, without repeating it', (option, options) => {
    let error: unknown;
    try {
      resolve(options as Partial<LogtoAuthModuleOptions>);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(`LogtoAuthModule: option "${option}" must not contain a user name or password: remove the "user:password@" part`);
    expect(String((error as Error).stack)).not.toContain('s3cret-Pa55');
  });

  it('takes jwksStaleMaxAgeMs from 0 (no stale fallback past the refresh) to 7 days', () => {
    expect(resolve({ endpoint: 'https://t.logto.app', audience, jwksStaleMaxAgeMs: 0 }).jwksStaleMaxAgeMs).toBe(0);
    expect(resolve({ endpoint: 'https://t.logto.app', audience, jwksStaleMaxAgeMs: 604_800_000 }).jwksStaleMaxAgeMs).toBe(604_800_000);
  });

  it.each([
    [{ endpoint: 'https://t.logto.app', audience, jwksStaleMaxAgeMs: -1 }, 'option "jwksStaleMaxAgeMs" must be a number from 0 to 604800000'],
    [{ endpoint: 'https://t.logto.app', audience, jwksStaleMaxAgeMs: 604_800_001 }, 'option "jwksStaleMaxAgeMs"'],
    [{ endpoint: 'https://t.logto.app', audience, jwksStaleMaxAgeMs: '3600000' }, 'option "jwksStaleMaxAgeMs"'],
    [{}, 'option "endpoint" is required unless both "issuer" and "jwksUri" are given'],
    [{ issuer: 'https://a.example.com/oidc' }, 'option "endpoint"'],
    [{ endpoint: 'https://t.logto.app' }, 'option "audience" must be a non-empty string'],
    [{ endpoint: 'https://t.logto.app', audience: [] }, 'option "audience"'],
    [{ endpoint: 'https://t.logto.app', audience: [''] }, 'option "audience"'],
    [{ endpoint: 'http://t.logto.app', audience }, 'option "endpoint" must use https'],
    [{ endpoint: 'http://127.0.0.2', audience }, 'option "endpoint" must use https'],
    [{ endpoint: 'not a url', audience }, 'option "endpoint" is not a valid URL'],
    [{ endpoint: 'https://t.logto.app', jwksUri: 'http://evil.example.com/jwks', audience }, 'option "jwksUri" must use https'],
    [{ endpoint: 'https://t.logto.app', audience, algorithms: ['HS256'] }, 'option "algorithms" names "HS256", which is never accepted'],
    [{ endpoint: 'https://t.logto.app', audience, algorithms: ['hs512'] }, 'names "hs512", which is never accepted'],
    [{ endpoint: 'https://t.logto.app', audience, algorithms: ['NONE'] }, 'names "NONE", which is never accepted'],
    [{ endpoint: 'https://t.logto.app', audience, algorithms: ['EdDSA'] }, 'option "algorithms" names "EdDSA"; supported'],
    [{ endpoint: 'https://t.logto.app', audience, algorithms: [] }, 'option "algorithms" must be a non-empty array'],
    [{ endpoint: 'https://t.logto.app', audience, clockTolerance: -1 }, 'option "clockTolerance"'],
    [{ endpoint: 'https://t.logto.app', audience, clockTolerance: Number.NaN }, 'option "clockTolerance"'],
    [{ endpoint: 'https://t.logto.app', audience, global: 'yes' }, 'option "global" must be a boolean'],
    [{ endpoint: 'https://t.logto.app', audience, realm: 'a"b' }, 'option "realm"'],
    [{ endpoint: 'https://t.logto.app', audience, strategyName: '' }, 'option "strategyName" must be 1 to 64 letters'],
    [{ endpoint: 'https://t.logto.app', audience, strategyName: 'logto admin' }, 'option "strategyName" must be 1 to 64 letters'],
    [{ endpoint: 'https://t.logto.app', audience, strategyName: '-logto' }, 'option "strategyName" must be 1 to 64 letters'],
    [{ endpoint: 'https://t.logto.app', audience, strategyName: 'l'.repeat(65) }, 'option "strategyName" must be 1 to 64 letters'],
    [{ endpoint: 'https://t.logto.app', audience, strategyName: ['logto'] }, 'option "strategyName" must be 1 to 64 letters'],
    [{ endpoint: 'https://t.logto.app', audience, jwksTimeoutMs: 0 }, 'option "jwksTimeoutMs"'],
    [{ endpoint: 'https://t.logto.app', audience, validateTimeoutMs: 0 }, 'option "validateTimeoutMs" must be a number from 1 to 60000'],
    [{ endpoint: 'https://t.logto.app', audience, validateTimeoutMs: 60_001 }, 'option "validateTimeoutMs" must be a number from 1 to 60000'],
    [{ endpoint: 'https://t.logto.app', audience, validateTimeoutMs: '100' }, 'option "validateTimeoutMs" must be a number from 1 to 60000'],
    [{ endpoint: 'https://t.logto.app', audience, validateTimeoutMs: Number.POSITIVE_INFINITY }, 'option "validateTimeoutMs"'],
  ])('refuses %j', (options, message) => {
    expect(() => resolve(options as Partial<LogtoAuthModuleOptions>)).toThrow(message);
  });
});

describe('resolveLogtoAuthOptions: misconfigurations that would refuse every token, refused at start-up with the fix', () => {
  it.each([
    ['https://t.logto.app/oidc', 'give the Logto endpoint without it ("https://t.logto.app")'],
    ['https://t.logto.app/oidc/', 'give the Logto endpoint without it ("https://t.logto.app")'],
    ['http://localhost:3001/OIDC', 'give the Logto endpoint without it ("http://localhost:3001")'],
  ])('refuses an endpoint that ends in /oidc (%s), naming the endpoint to give instead', (endpoint, fix) => {
    expect(() => resolve({ endpoint, audience })).toThrow(`option "endpoint" ends in "/oidc": ${fix}`);
  });

  it('refuses /oidc at the end of a tenant endpoint, naming the tenant', () => {
    expect(() => resolve({ audience, tenants: [{ endpoint: 'https://a.logto.app' }, { endpoint: 'https://b.logto.app/oidc' }] })).toThrow(
      'option "tenants[1].endpoint" ends in "/oidc": give the Logto endpoint without it ("https://b.logto.app")',
    );
  });

  it('still accepts an endpoint whose path merely contains oidc', () => {
    expect(resolve({ endpoint: 'https://auth.example.com/oidc-tenant', audience }).issuers).toEqual(['https://auth.example.com/oidc-tenant/oidc']);
  });

  it.each([
    ['endpoint', { endpoint: 'https://t.logto.app?tenant=a' }, 'must not have a query or a fragment (RFC 8414 §2): remove everything from "?" or "#" on'],
    ['endpoint', { endpoint: 'https://t.logto.app/?' }, 'must not have a query or a fragment'],
    ['endpoint', { endpoint: 'https://t.logto.app#top' }, 'must not have a query or a fragment'],
    ['endpoint', { endpoint: 'https://admin:pw@t.logto.app' }, 'must not contain a user name or password'],
    ['issuer', { issuer: 'https://t.logto.app/oidc?x=1', jwksUri: 'https://t.logto.app/oidc/jwks' }, 'must not have a query or a fragment'],
    ['issuer', { issuer: ['https://t.logto.app/oidc', 'https://a.example.com/oidc#f'], jwksUri: 'https://t.logto.app/oidc/jwks' }, 'must not have a query or a fragment'],
    ['issuer', { issuer: 'https://user@t.logto.app/oidc', jwksUri: 'https://t.logto.app/oidc/jwks' }, 'must not contain a user name or password'],
  ])('refuses an issuer URL (%s) with user info, a query or a fragment: %j', (option, options, problem) => {
    expect(() => resolve({ ...options, audience })).toThrow(`option "${option}" ${problem}`);
  });

  it.each([false, 'warn', 'fail'] as const)('takes warmUp %j', (warmUp) => {
    expect(resolve({ endpoint: 'https://t.logto.app', audience, warmUp }).warmUp).toBe(warmUp);
  });

  it.each([true, 'true', 'error', 'WARN', 0, null, {}, { onFailure: 'fail' }])('refuses warmUp %j, naming the three values and what each does', (warmUp) => {
    expect(() => resolve({ endpoint: 'https://t.logto.app', audience, warmUp: warmUp as never })).toThrow(
      'option "warmUp" must be false (no key fetch at start-up), "warn" (fetch the keys, log a warning if that fails) or "fail" (fetch the keys, refuse to start if that fails)',
    );
  });
});

describe('JWKS resolution options', () => {
  const base = { endpoint: 'https://tenant.logto.app', audience: 'https://api.example.com' };

  it('default to a 5 s deadline, a 30 s cooldown for unknown kids, a 10 min key-set age and 1 h of stale keys', () => {
    const options = resolveLogtoAuthOptions(base);
    expect(options.jwksTimeoutMs).toBe(5_000);
    expect(options.jwksCooldownMs).toBe(30_000);
    expect(options.jwksCacheMaxAgeMs).toBe(600_000);
    expect(options.jwksStaleMaxAgeMs).toBe(3_600_000);
  });

  it('take small values, so that tests and tight deployments can shorten the windows', () => {
    const options = resolveLogtoAuthOptions({ ...base, jwksTimeoutMs: 1, jwksCooldownMs: 0, jwksCacheMaxAgeMs: 1_000 });
    expect([options.jwksTimeoutMs, options.jwksCooldownMs, options.jwksCacheMaxAgeMs]).toEqual([1, 0, 1_000]);
  });

  it.each([
    ['jwksTimeoutMs', 0],
    ['jwksTimeoutMs', 60_001],
    ['jwksTimeoutMs', Number.NaN],
    ['jwksCooldownMs', -1],
    ['jwksCooldownMs', '30000'],
    ['jwksCacheMaxAgeMs', 999],
    ['jwksStaleMaxAgeMs', -1],
    ['jwksStaleMaxAgeMs', Number.POSITIVE_INFINITY],
  ])('refuse %s = %s at start-up, naming the option', (option, value) => {
    expect(() => resolveLogtoAuthOptions({ ...base, [option]: value })).toThrow(`option "${option}"`);
  });
});

describe('option tokenCache', () => {
  const base = { endpoint: 'https://tenant.logto.app', audience: TEST_AUDIENCE };
  const resolve = (tokenCache: unknown) => resolveLogtoAuthOptions({ ...base, tokenCache } as never);

  it('defaults to 10,000 entries for at most 5 minutes', () => {
    expect(resolveLogtoAuthOptions(base).tokenCache).toEqual({ maxEntries: 10_000, ttlMs: 300_000 });
    expect(resolve({})).toEqual(expect.objectContaining({ tokenCache: { maxEntries: 10_000, ttlMs: 300_000 } }));
  });

  it('takes either bound alone and keeps the other default', () => {
    expect(resolve({ maxEntries: 50 }).tokenCache).toEqual({ maxEntries: 50, ttlMs: 300_000 });
    expect(resolve({ ttlMs: 1_000 }).tokenCache).toEqual({ maxEntries: 10_000, ttlMs: 1_000 });
  });

  it('is off with false', () => {
    expect(resolve(false).tokenCache).toBe(false);
  });

  it.each([
    [true, 'option "tokenCache" must be false or an object'],
    ['on', 'option "tokenCache" must be false or an object'],
    [null, 'option "tokenCache" must be false or an object'],
    [[], 'option "tokenCache" must be false or an object'],
    [{ maxEntries: 0 }, 'option "tokenCache.maxEntries" must be a number from 1 to 10000000'],
    [{ maxEntries: 1.5 }, 'option "tokenCache.maxEntries" must be an integer'],
    [{ maxEntries: '100' }, 'option "tokenCache.maxEntries" must be an integer'],
    [{ ttlMs: 0 }, 'option "tokenCache.ttlMs" must be a number from 1 to 86400000'],
    [{ ttlMs: Infinity }, 'option "tokenCache.ttlMs" must be a number from 1 to 86400000'],
    [{ ttl: 5 }, 'option "tokenCache.ttl" is not an option (maxEntries, ttlMs)'],
  ])('refuses %j at start-up, naming the option', (tokenCache, message) => {
    expect(() => resolve(tokenCache)).toThrow(message);
  });
});

describe('start-up validation of tenants, organizations, scopeClaim and validators', () => {
  const EU = 'https://eu.logto.example';
  const US = 'https://us.logto.example';
  const AUDIENCE = 'https://api.example.com';
  const resolve = (options: Partial<LogtoAuthModuleOptions>) => () => resolveLogtoAuthOptions(options as LogtoAuthModuleOptions);

  it('resolves tenants into one issuer group each, with the top-level audience as default', () => {
    const resolved = resolveLogtoAuthOptions({
      audience: AUDIENCE,
      tenants: [{ endpoint: `${EU}/` }, { endpoint: US, issuer: [`${US}/oidc`, 'https://auth.example.com/oidc'], audience: 'https://us.api' }],
    });
    expect(resolved.tenants).toEqual([
      { issuers: [`${EU}/oidc`], jwksUri: `${EU}/oidc/jwks`, audiences: [AUDIENCE] },
      { issuers: [`${US}/oidc`, 'https://auth.example.com/oidc'], jwksUri: `${US}/oidc/jwks`, audiences: ['https://us.api'] },
    ]);
    expect(resolved.issuers).toEqual([`${EU}/oidc`, `${US}/oidc`, 'https://auth.example.com/oidc']);
    expect(resolved.audiences).toEqual([AUDIENCE, 'https://us.api']);
  });

  it('keeps the defaults off: organizations false, scopes from `scope`, no validator', () => {
    const resolved = resolveLogtoAuthOptions({ endpoint: EU, audience: AUDIENCE });
    expect(resolved).toMatchObject({ organizations: false, scopeClaim: 'scope' });
    expect(resolved.validate).toBeUndefined();
    expect(resolved.validator).toBeUndefined();
    expect(resolved.tenants).toHaveLength(1);
  });

  it.each([
    [{ endpoint: EU, audience: AUDIENCE, tenants: [{ endpoint: US }] }, 'option "endpoint" cannot be combined with "tenants"'],
    [{ issuer: `${EU}/oidc`, audience: AUDIENCE, tenants: [{ endpoint: US }] }, 'option "issuer" cannot be combined with "tenants"'],
    [{ jwksUri: `${EU}/oidc/jwks`, audience: AUDIENCE, tenants: [{ endpoint: US }] }, 'option "jwksUri" cannot be combined'],
    [{ audience: AUDIENCE, tenants: [] }, 'option "tenants" must be a non-empty array'],
    [{ audience: AUDIENCE, tenants: 'https://eu' }, 'option "tenants" must be a non-empty array'],
    [{ audience: AUDIENCE, tenants: [null] }, 'option "tenants[0]" must be an object'],
    [{ audience: AUDIENCE, tenants: [{ endpoint: EU }, { issuer: `${US}/oidc` }] }, 'option "tenants[1].endpoint" is required unless'],
    [{ tenants: [{ endpoint: EU, audience: AUDIENCE }, { endpoint: US }] }, 'option "tenants[1].audience" must be a non-empty'],
    [{ audience: AUDIENCE, tenants: [{ endpoint: 'http://eu.logto.example' }] }, 'option "tenants[0].endpoint" must use https'],
    [{ audience: AUDIENCE, tenants: [{ endpoint: EU }, { endpoint: `${EU}/` }] }, `option "tenants" names the issuer "${EU}/oidc" in more than one tenant`],
    [{ endpoint: EU, audience: AUDIENCE, organizations: 'yes' }, 'option "organizations" must be a boolean'],
    [{ endpoint: EU, audience: AUDIENCE, scopeClaim: '' }, 'option "scopeClaim" must name the claim'],
    [{ endpoint: EU, audience: AUDIENCE, scopeClaim: 'sub' }, 'option "scopeClaim" must name the claim'],
    [{ endpoint: EU, audience: AUDIENCE, validate: true }, 'option "validate" must be a function'],
    [{ endpoint: EU, audience: AUDIENCE, validator: () => true }, 'option "validator" must be a class with a validate'],
    [
      { endpoint: EU, audience: AUDIENCE, validate: () => true, validator: class { validate = () => true; static x = 1; } },
      'option "validator" must be a class',
    ],
    [
      { endpoint: EU, audience: AUDIENCE, validate: () => true, validator: class { validate(_user: LogtoUser) { return true; } } },
      'option "validator" cannot be combined with "validate"',
    ],
  ])('refuses %j', (options, message) => {
    expect(resolve(options as Partial<LogtoAuthModuleOptions>)).toThrow(message);
  });

  it('refuses a conflicting configuration when the application starts', async () => {
    await expect(
      createTestApp('express', {
        imports: [LogtoAuthModule.forRoot({ endpoint: EU, audience: AUDIENCE, tenants: [{ endpoint: US }] })],
      }),
    ).rejects.toThrow('LogtoAuthModule: option "endpoint" cannot be combined with "tenants"');
  });
});

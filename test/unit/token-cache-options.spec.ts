import { describe, expect, it } from 'vitest';
import { resolveLogtoAuthOptions } from '../../lib/logto-auth.options';
import { TEST_AUDIENCE } from '../helpers/sign-token';

const base = { endpoint: 'https://tenant.logto.app', audience: TEST_AUDIENCE };
const resolve = (tokenCache: unknown) => resolveLogtoAuthOptions({ ...base, tokenCache } as never);

describe('option tokenCache', () => {
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

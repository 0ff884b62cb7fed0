import { describe, expect, it } from 'vitest';
import { MAX_CACHED_TOKEN_CHARACTERS, MAX_CACHED_TOKEN_LENGTH, VerifiedTokenCache } from '../../../lib/cache/verified-token.cache';
import { IssuerKeyResolvers } from '../../../lib/keys/issuer-key.resolvers';
import { LogtoAuthCounters } from '../../../lib';
import { LogtoUser } from '../../../lib';
import { resolveLogtoAuthOptions } from '../../../lib/logto-auth.options';

const ISSUER = 'https://tenant.logto.app/oidc';

/** A cache on real options whose key set never ends (the key resolver is out of the picture here). */
function cacheWith(maxEntries: number): VerifiedTokenCache {
  const options = resolveLogtoAuthOptions({ endpoint: 'https://tenant.logto.app', audience: 'https://api.example.com', tokenCache: { maxEntries } });
  const keys = { onKeysRemoved: () => undefined, freshUntil: () => Infinity } as unknown as IssuerKeyResolvers;
  return new VerifiedTokenCache(options, keys, new LogtoAuthCounters());
}

const user = (): LogtoUser => ({
  sub: 'user-1',
  clientId: 'app-1',
  scopes: [],
  audience: ['https://api.example.com'],
  issuer: ISSUER,
  expiresAt: new Date(Date.now() + 3_600_000),
  claims: {} as LogtoUser['claims'],
});

/** A distinct token of exactly `length` characters (the cache indexes by the last 64). */
const tokenOf = (length: number, i: number) => String(i).padStart(length, 'x');

describe('VerifiedTokenCache memory bounds', () => {
  it('never stores a token longer than MAX_CACHED_TOKEN_LENGTH', () => {
    const cache = cacheWith(10);
    const ticket = cache.ticket();
    cache.remember('a'.repeat(MAX_CACHED_TOKEN_LENGTH + 1), user(), 'kid', ticket);
    cache.remember('b'.repeat(MAX_CACHED_TOKEN_LENGTH), user(), 'kid', ticket);
    expect(cache.size).toBe(1);
    expect(cache.get('b'.repeat(MAX_CACHED_TOKEN_LENGTH))).toBeDefined();
  });

  it('keeps the total of token characters within MAX_CACHED_TOKEN_CHARACTERS, whatever maxEntries allows', () => {
    const cache = cacheWith(1_000_000);
    const ticket = cache.ticket();
    const count = MAX_CACHED_TOKEN_CHARACTERS / MAX_CACHED_TOKEN_LENGTH + 100;
    for (let i = 0; i < count; i++) cache.remember(tokenOf(MAX_CACHED_TOKEN_LENGTH, i), user(), 'kid', ticket);
    expect(cache.size).toBe(MAX_CACHED_TOKEN_CHARACTERS / MAX_CACHED_TOKEN_LENGTH);
    expect(cache.get(tokenOf(MAX_CACHED_TOKEN_LENGTH, 0))).toBeUndefined(); // the least recently used went first
    expect(cache.get(tokenOf(MAX_CACHED_TOKEN_LENGTH, count - 1))).toBeDefined();
  });

  it('clear() gives back the characters, so the cache fills up again', () => {
    const cache = cacheWith(1_000_000);
    const ticket = cache.ticket();
    const fill = MAX_CACHED_TOKEN_CHARACTERS / MAX_CACHED_TOKEN_LENGTH;
    for (let i = 0; i < fill; i++) cache.remember(tokenOf(MAX_CACHED_TOKEN_LENGTH, i), user(), 'kid', ticket);
    cache.clear();
    for (let i = 0; i < fill; i++) cache.remember(tokenOf(MAX_CACHED_TOKEN_LENGTH, i), user(), 'kid', ticket);
    expect(cache.size).toBe(fill);
  });
});

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

describe('VerifiedTokenCache eviction (second chance)', () => {
  const [t1, t2, t3, t4, t5, t6] = [1, 2, 3, 4, 5, 6].map((i) => tokenOf(100, i));
  /** Remembers `tokens` in order into a cache of 3, serving t1 once after the first three. */
  function cacheAfter(tokens: string[]): VerifiedTokenCache {
    const cache = cacheWith(3);
    tokens.forEach((token, i) => {
      cache.remember(token, user(), 'kid', cache.ticket());
      if (i === 2) expect(cache.get(t1)).toBeDefined(); // t1 in use: it gets a second chance
    });
    return cache;
  }
  // Each probe serves the tokens it finds, so a case probes once, at its end.
  const kept = (cache: VerifiedTokenCache, tokens: string[]) => tokens.filter((token) => cache.get(token) !== undefined);

  it('forgets the oldest token not served since eviction last passed it, and keeps the one in use', () => {
    expect(kept(cacheAfter([t1, t2, t3, t4]), [t1, t2, t3, t4])).toEqual([t1, t3, t4]);
  });

  it('moves a served token behind the others: the next eviction takes the next oldest unserved', () => {
    expect(kept(cacheAfter([t1, t2, t3, t4, t5]), [t1, t2, t3, t4, t5])).toEqual([t1, t4, t5]);
  });

  it('gives one chance per service: a token not served again since it was passed over goes in its turn', () => {
    expect(kept(cacheAfter([t1, t2, t3, t4, t5, t6]), [t1, t2, t3, t4, t5, t6])).toEqual([t4, t5, t6]);
  });

  it('evicts even when every token is in use (each loses its mark once, then the oldest goes)', () => {
    const cache = cacheWith(2);
    for (const token of [t1, t2]) cache.remember(token, user(), 'kid', cache.ticket());
    for (const token of [t1, t2]) expect(cache.get(token)).toBeDefined();
    cache.remember(t3, user(), 'kid', cache.ticket());
    expect(cache.size).toBe(2);
    expect(kept(cache, [t1, t2, t3])).toEqual([t2, t3]);
  });

  // The reference: the same rule with the oldest entry found afresh from the front of a Map every time.
  class ReferenceSecondChance {
    readonly entries = new Map<string, boolean>(); // token -> served since passed over
    constructor(private readonly maxEntries: number) {}
    remember(token: string): void {
      this.entries.delete(token);
      while (this.entries.size >= this.maxEntries) {
        const [oldest, served] = this.entries.entries().next().value as [string, boolean];
        this.entries.delete(oldest);
        if (served) this.entries.set(oldest, false);
      }
      this.entries.set(token, false);
    }
    serve(token: string): boolean {
      if (!this.entries.has(token)) return false;
      this.entries.set(token, true);
      return true;
    }
  }

  it('keeps exactly the tokens the rule keeps over a long run of remembers (new and again), serves and clears', () => {
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 48_271) % 2_147_483_647) % n);
    const cache = cacheWith(50);
    const reference = new ReferenceSecondChance(50);
    for (let step = 0; step < 20_000; step++) {
      const token = tokenOf(100, random(200));
      const roll = random(1_000);
      if (roll < 2) {
        cache.clear();
        reference.entries.clear();
      } else if (roll < 500) {
        expect(cache.get(token) !== undefined).toBe(reference.serve(token));
      } else {
        cache.remember(token, user(), 'kid', cache.ticket());
        reference.remember(token);
      }
    }
    expect(cache.size).toBe(reference.entries.size);
    const all = Array.from({ length: 200 }, (_, i) => tokenOf(100, i));
    expect(kept(cache, all)).toEqual(all.filter((token) => reference.entries.has(token)));
  });
});

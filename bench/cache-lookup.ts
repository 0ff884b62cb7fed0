import { randomBytes } from 'node:crypto';
import { VerifiedTokenCache } from '../lib/cache/verified-token.cache';
import { IssuerKeyResolvers } from '../lib/keys/issuer-key.resolvers';
import { LogtoAuthCounters } from '../lib';
import { resolveLogtoAuthOptions } from '../lib/logto-auth.options';
import { toLogtoUser } from '../lib/token/logto-user.mapper';
import { LogtoAccessTokenClaims } from '../lib/interfaces/logto-user.interface';

/**
 * The cache's own cost, in nanoseconds of CPU: per hit in a full cache of `maxEntries` distinct token-sized
 * keys, looked up with strings built afresh (as a request's header slice is), so the hash is computed each
 * time; and per miss of a new token then remembered in the full cache (the lookup, the entry, one eviction),
 * as on every request of the new-token rows once the cache has filled.
 */
export function measureCacheLookup(tokenLength: number, maxEntries = 10_000, lookups = 1_000_000, misses = 5 * maxEntries) {
  const options = resolveLogtoAuthOptions({ endpoint: 'http://127.0.0.1:9', audience: 'https://api.example.com', tokenCache: { maxEntries } });
  // The lookup alone: a key set that never goes stale, so that every entry stays servable.
  const freshKeys = { onKeysRemoved: () => undefined, freshUntil: () => Infinity } as unknown as IssuerKeyResolvers;
  const cache = new VerifiedTokenCache(options, freshKeys, new LogtoAuthCounters());
  const exp = Math.floor(Date.now() / 1000) + 3600;
  // Real tokens end in a signature: random characters, which is what the cache's index relies on.
  const tokenOf = (i: number) => randomBytes(tokenLength).toString('base64url').slice(0, tokenLength - 12) + String(i).padStart(12, '0');
  const tokens = Array.from({ length: maxEntries }, (_, i) => tokenOf(i));
  const userOf = (i: number) => toLogtoUser({ iss: 'i', sub: `user-${i}`, aud: 'a', exp, client_id: 'c', scope: 'read:documents' } as LogtoAccessTokenClaims);
  for (const [i, token] of tokens.entries()) cache.remember(token, userOf(i), 'kid', cache.ticket());
  const requests = Array.from({ length: 1_000 }, (_, i) => tokens[(i * 7919) % maxEntries]);
  let hits = 0;
  // CPU time, not wall time: on a shared machine the process may wait for a core between lookups.
  const start = process.cpuUsage();
  for (let i = 0; i < lookups; i++) {
    // A new string with the same text, as each request's header yields it: its hash is computed anew.
    if (cache.get(`${requests[i % requests.length]} `.trimEnd())) hits++;
  }
  const used = process.cpuUsage(start);
  const nanoseconds = ((used.user + used.system) * 1_000) / lookups;
  if (hits !== lookups) throw new Error('the cache missed a token it holds');

  const newTokens = Array.from({ length: misses }, (_, i) => tokenOf(maxEntries + i));
  const users = Array.from({ length: 100 }, (_, i) => userOf(i));
  const missStart = process.cpuUsage();
  for (const [i, token] of newTokens.entries()) {
    if (cache.get(token) !== undefined) throw new Error('the cache served a token it never held');
    cache.remember(token, users[i % users.length], 'kid', cache.ticket());
  }
  const missUsed = process.cpuUsage(missStart);
  if (cache.size !== maxEntries) throw new Error(`the full cache holds ${cache.size} tokens, not ${maxEntries}`);
  return {
    maxEntries,
    tokenLength,
    nanosecondsPerHit: Math.round(nanoseconds),
    nanosecondsPerMissRemembered: Math.round(((missUsed.user + missUsed.system) * 1_000) / misses),
  };
}

import { Inject, Injectable } from '@nestjs/common';
import { LOGTO_AUTH_OPTIONS } from '../logto-auth.constants';
import { ResolvedLogtoAuthOptions } from '../logto-auth.options';
import { IssuerKeyResolvers } from '../keys/issuer-key.resolvers';
import { monotonicNow } from '../keys/monotonic-clock.util';
import { LogtoUser } from '../interfaces/logto-user.interface';
import { LogtoAuthCounters } from '../logto-auth.counters';
import { InFlightVerifications } from './in-flight-verifications.cache';

interface CacheEntry {
  /** The whole token: an entry serves exactly this string and no other. */
  readonly token: string;
  readonly user: LogtoUser;
  /** The key that verified the token: its removal (or replacement) in the JWKS drops the entry. */
  readonly kid: string;
  /** Epoch milliseconds (wall clock): the token's `exp`. */
  readonly expiresAt: number;
  /** Monotonic milliseconds: the TTL or the key set's max age, whichever comes first. */
  readonly endsAt: number;
  /** Served since eviction last passed it over: it gets a second chance (see `makeRoomFor`). */
  used: boolean;
}

/** Taken before a verification starts, so that a key removed while it ran keeps its result out. */
export type CacheTicket = number;

/** A full verification of one token: the user, and the kid of the key that checked its signature. */
type FullVerification = () => Promise<{ user: LogtoUser; kid: string | undefined }>;

// Hashing a whole ~750-character token costs more than the rest of a hit; the last characters of a
// signature are as distinct as the token itself, so they index the map, and the whole token must match.
const INDEX_LENGTH = 64;
const indexOf = (token: string): string => token.slice(-INDEX_LENGTH);

// Memory is bounded by characters as well as entries: a Logto access token is about 750 characters, so
// 4 KiB leaves room for many custom claims, and a larger token (an attacker's padding, typically) is
// verified in full every time instead of evicting a hundred others. The total bounds the worst case
// whatever maxEntries says: 16 Mi token characters (the user object of each is about as large again).
export const MAX_CACHED_TOKEN_LENGTH = 4 * 1024;
export const MAX_CACHED_TOKEN_CHARACTERS = 16 * 1024 * 1024;

/**
 * Remembers the `LogtoUser` of tokens that passed every check, keyed by the exact token string, so the
 * same token sent again skips decoding, passport and the signature check. One instance per module,
 * shared by every `LogtoAuthGuard` instance and the passport strategy (`AuthGuard('logto')`). Bounded
 * (second chance, close to LRU) by entries and by characters (tokens over 4 KiB are never stored), never
 * past the token's `exp` (wall clock), the TTL or the key set's max age (monotonic clock), and emptied of a
 * key's entries as soon as a JWKS refresh shows that key removed or replaced.
 * Only successes are stored: a refused token is checked in full every time.
 *
 * @example
 * // After revoking a user's tokens at Logto, stop honouring the copies verified here:
 * app.get(LogtoTokenCache).clear();
 */
@Injectable()
export class VerifiedTokenCache {
  // A Map iterates in insertion order: the oldest entry is first. A hit only marks its entry `used`: moving it
  // to the back (a Map delete and set) would cost more than the rest of a hit.
  private readonly entries = new Map<string, CacheEntry>(); // by indexOf(token)
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private removals = 0;
  private characters = 0;
  // The clock's hand: the oldest entry is the next one it gives (see `makeRoomFor`).
  private hand: Iterator<[string, CacheEntry]> | undefined;
  private readonly inFlight = new InFlightVerifications(); // concurrent misses of a token share one verification

  constructor(
    @Inject(LOGTO_AUTH_OPTIONS) options: ResolvedLogtoAuthOptions,
    private readonly keys: IssuerKeyResolvers,
    private readonly counters: LogtoAuthCounters,
  ) {
    this.maxEntries = options.tokenCache ? options.tokenCache.maxEntries : 0;
    this.ttlMs = options.tokenCache ? options.tokenCache.ttlMs : 0;
    keys.onKeysRemoved((kids) => this.dropKeys(kids));
  }

  /**
   * The user of `token`: the one remembered, else the one `verify` gives (run once for every concurrent
   * caller of the token), remembered only once it has passed every check; a refusal is never remembered.
   * `LogtoAuthGuard` and the passport strategy both go through here, so they share hits and misses.
   */
  userOf(token: string, verify: FullVerification): LogtoUser | Promise<LogtoUser> {
    return this.get(token) ?? this.verifyOnce(token, verify);
  }

  /** After a miss (`get`): `verify`, run once for every concurrent caller of `token`, remembered once it passed. */
  verifyOnce(token: string, verify: FullVerification): Promise<LogtoUser> {
    return this.inFlight.forToken(token, () => this.verifyAndRemember(token, verify));
  }

  private async verifyAndRemember(token: string, verify: FullVerification): Promise<LogtoUser> {
    const ticket = this.ticket(); // before: a key removed while `verify` runs keeps its result out
    const { user, kid } = await verify();
    this.remember(token, user, kid, ticket); // reached only by a token that passed every check
    return user;
  }

  /** The user verified earlier for exactly this token, if its entry is still alive. */
  get(token: string): LogtoUser | undefined {
    const user = this.lookUp(token);
    this.counters.countCacheLookup(user !== undefined);
    return user;
  }

  private lookUp(token: string): LogtoUser | undefined {
    const index = indexOf(token);
    const entry = this.entries.get(index);
    if (entry === undefined || entry.token !== token) return undefined;
    // RFC 9068 §4 / RFC 7519 §4.1.4: never serve a token at or past its exp, whatever the TTL says.
    if (Date.now() >= entry.expiresAt || monotonicNow() >= entry.endsAt) {
      this.delete(index);
      return undefined;
    }
    entry.used = true;
    return entry.user;
  }

  /** Call before verifying; pass the ticket to `remember`. */
  ticket(): CacheTicket {
    return this.removals;
  }

  /** Stores a successful verification, unless a key was removed since `ticket` was taken. */
  remember(token: string, user: LogtoUser, kid: string | undefined, ticket: CacheTicket): void {
    if (this.maxEntries === 0 || kid === undefined || ticket !== this.removals) return;
    if (token.length > MAX_CACHED_TOKEN_LENGTH) return;
    const expiresAt = user.expiresAt.getTime();
    const now = monotonicNow();
    // Only a full check refreshes the key set once it is due (jwksCacheMaxAgeMs): an entry ends when the
    // key set that verified it does, so that a key removed from the JWKS stops working as without a cache.
    const endsAt = Math.min(now + this.ttlMs, this.keys.freshUntil(user.issuer));
    // within the clock tolerance, or a stale key set: nothing to remember
    if (expiresAt <= Date.now() || endsAt <= now) return;
    const index = indexOf(token);
    this.delete(index);
    this.makeRoomFor(token.length); // before the insertion: a new entry is never the one evicted
    this.entries.set(index, { token, user, kid, expiresAt, endsAt, used: false });
    this.characters += token.length;
  }

  /** How many tokens are remembered now (expired entries are counted until they are next looked up). */
  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.characters = 0;
  }

  private delete(index: string): void {
    const entry = this.entries.get(index);
    if (entry === undefined) return;
    this.entries.delete(index);
    this.characters -= entry.token.length;
  }

  // Second chance (the CLOCK algorithm): the oldest entry is forgotten, unless it was served since it was last
  // passed over; then it goes to the back, unmarked. So a token in use is kept, as least-recently-used would.
  private makeRoomFor(characters: number): void {
    while (this.entries.size >= this.maxEntries || this.characters + characters > MAX_CACHED_TOKEN_CHARACTERS) {
      const [index, oldest] = this.oldest();
      this.entries.delete(index);
      if (oldest.used) {
        oldest.used = false;
        this.entries.set(index, oldest);
      } else {
        this.characters -= oldest.token.length;
      }
    }
  }

  // Every entry the hand gives is deleted here (forgotten, or moved to the back), so it always points at the
  // oldest entry. It is asked only while the Map holds one, and a Map iterator that has not ended goes on to
  // the entries added after it (ECMAScript's Map iterators are live, across clear() too), so it never ends.
  // A fresh iterator would give the same entry, but from the front of the Map's table, stepping over every
  // deleted slot there: with 10,000 entries, that cost about 10 µs per eviction.
  private oldest(): [string, CacheEntry] {
    this.hand ??= this.entries.entries();
    return this.hand.next().value as [string, CacheEntry];
  }

  // A removed key may have been withdrawn because it leaked: what it verified is no longer trusted.
  private dropKeys(kids: readonly string[]): void {
    this.removals++;
    const removed = new Set(kids);
    for (const [index, entry] of this.entries) if (removed.has(entry.kid)) this.delete(index);
  }
}

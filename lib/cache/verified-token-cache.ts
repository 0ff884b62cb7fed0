import { Inject, Injectable } from '@nestjs/common';
import { LOGTO_AUTH_OPTIONS } from '../logto-auth.constants';
import { ResolvedLogtoAuthOptions } from '../logto-auth.options';
import { IssuerKeyResolvers } from '../keys/issuer-key-resolvers';
import { LogtoUser } from '../interfaces/logto-user.interface';

interface CacheEntry {
  /** The whole token: an entry serves exactly this string and no other. */
  readonly token: string;
  readonly user: LogtoUser;
  /** The key that verified the token: its removal from the JWKS drops the entry. */
  readonly kid: string;
  /** Epoch milliseconds: the token's `exp`, the TTL or the key set's max age, whichever comes first. */
  readonly expiresAt: number;
}

/** Taken before a verification starts, so that a key removed while it ran keeps its result out. */
export type CacheTicket = number;

// Hashing a whole ~750-character token costs more than the rest of a hit; the last characters of a
// signature are as distinct as the token itself, so they index the map, and the whole token must match.
const INDEX_LENGTH = 64;
const indexOf = (token: string): string => token.slice(-INDEX_LENGTH);

/**
 * Remembers the `LogtoUser` of tokens that passed every check, keyed by the exact token string, so the
 * same token sent again skips decoding, passport and the signature check. One instance per module,
 * shared by every `LogtoAuthGuard` instance. Bounded (LRU), never past the token's `exp`, the TTL or
 * the key set's max age, and emptied of a key's entries as soon as a JWKS refresh shows that key removed.
 * Only successes are stored: a refused token is checked in full every time.
 *
 * @example
 * // After revoking a user's tokens at Logto, stop honouring the copies verified here:
 * app.get(LogtoAuthGuard).clearTokenCache();
 */
@Injectable()
export class VerifiedTokenCache {
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently used first.
  private readonly entries = new Map<string, CacheEntry>(); // by indexOf(token)
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private removals = 0;

  constructor(
    @Inject(LOGTO_AUTH_OPTIONS) options: ResolvedLogtoAuthOptions,
    private readonly keys: IssuerKeyResolvers,
  ) {
    this.maxEntries = options.tokenCache ? options.tokenCache.maxEntries : 0;
    this.ttlMs = options.tokenCache ? options.tokenCache.ttlMs : 0;
    keys.onKeysRemoved((kids) => this.dropKeys(kids));
  }

  /** The user verified earlier for exactly this token, if its entry is still alive. */
  get(token: string): LogtoUser | undefined {
    const index = indexOf(token);
    const entry = this.entries.get(index);
    if (entry === undefined || entry.token !== token) return undefined;
    this.entries.delete(index);
    // RFC 9068 §4 / RFC 7519 §4.1.4: never serve a token at or past its exp, whatever the TTL says.
    if (Date.now() >= entry.expiresAt) return undefined;
    this.entries.set(index, entry);
    return entry.user;
  }

  /** Call before verifying; pass the ticket to `remember`. */
  ticket(): CacheTicket {
    return this.removals;
  }

  /** Stores a successful verification, unless a key was removed since `ticket` was taken. */
  remember(token: string, user: LogtoUser, kid: string | undefined, ticket: CacheTicket): void {
    if (this.maxEntries === 0 || kid === undefined || ticket !== this.removals) return;
    const now = Date.now();
    // Only a full check refreshes the key set once it is due (jwksCacheMaxAgeMs): an entry ends when the
    // key set that verified it does, so that a key removed from the JWKS stops working as without a cache.
    const expiresAt = Math.min(user.expiresAt.getTime(), now + this.ttlMs, this.keys.freshUntil(user.issuer));
    if (expiresAt <= now) return; // within the clock tolerance, or a stale key set: nothing to remember
    const index = indexOf(token);
    this.entries.delete(index);
    this.entries.set(index, { token, user, kid, expiresAt });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** How many tokens are remembered now (expired entries are counted until they are next looked up). */
  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }

  // A removed key may have been withdrawn because it leaked: what it verified is no longer trusted.
  private dropKeys(kids: readonly string[]): void {
    this.removals++;
    const removed = new Set(kids);
    for (const [index, entry] of this.entries) if (removed.has(entry.kid)) this.entries.delete(index);
  }
}

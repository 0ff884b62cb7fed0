import { Logger } from '@nestjs/common';
import { KeyObject } from 'node:crypto';
import { JwksClient } from 'jwks-rsa';
import { LogtoAuthException } from '../errors/logto-auth.exception';
import { LogtoSigningAlgorithm } from '../logto-auth.constants';
import { ResolvedLogtoAuthOptions } from '../logto-auth.options';
import { importVerificationKeys, keyFitsAlgorithm, VerificationKey } from './verification-key.util';
import { describeJwksFetchFailure } from './jwks-fetch.error';
import { createJwksFetcher } from './jwks.fetcher';
import { monotonicNow } from './monotonic-clock.util';
import { LogtoAuthCounters } from '../logto-auth.counters';

// With no key at all every request is refused, so after a failed fetch the next may start this soon
// (or after the cooldown, if shorter) to notice the issuer is back. With a last good key set, the
// cooldown applies as usual.
const COLD_RETRY_AFTER_FAILURE_MS = 1_000;
const FLOOD_LOG_THRESHOLD = 100;

type KeysRemovedListener = (kids: readonly string[]) => void;

/** One key set's location and the module-wide JWKS timings. */
export type JwksKeySettings = Pick<
  ResolvedLogtoAuthOptions,
  'jwksTimeoutMs' | 'jwksCooldownMs' | 'jwksCacheMaxAgeMs' | 'jwksStaleMaxAgeMs'
> & { readonly jwksUri: string };

/**
 * The signing key for a `kid`, from the configured JWKS through jwks-rsa (with a bounded `fetcher`),
 * hardened so that no token can steer it. All windows are on the monotonic clock.
 * - A key set is refreshed once it is due (`jwksCacheMaxAgeMs`), whatever the cooldown says.
 * - Only fetches that unknown kids cause are rate-limited: at most one per `jwksCooldownMs`, so a flood of
 *   random kids cannot hammer the issuer, and a key rotated in just after a routine fetch works at once.
 * - One fetch at a time (single flight); after a failure the next waits (a second with no keys, else the cooldown).
 * - A well-formed 200 is the truth, even empty: keys it no longer has stop verifying at once.
 * - A transport or parse failure keeps the last good key set, for at most `jwksStaleMaxAgeMs` past its
 *   refresh; then it is dropped, and a 503 (not a 401) says no key can be had.
 */
export class JwksKeyResolver {
  private readonly logger = new Logger('LogtoAuth');
  private readonly client: JwksClient;
  private keysByKid = new Map<string, VerificationKey[]>();
  /** When the fetch that produced the current key set started. */
  private fetchedAt = -Infinity;
  /** When the last fetch caused by an unknown kid started: the cooldown counts from here only. */
  private unknownKidFetchAt = -Infinity;
  /** When the last fetch failed, while the JWKS is failing. */
  private failedAt: number | undefined;
  private inFlight: Promise<void> | undefined;
  private unknownKidsAbsorbed = 0;
  private readonly removedListeners: KeysRemovedListener[] = [];

  constructor(
    private readonly options: JwksKeySettings,
    private readonly counters: LogtoAuthCounters,
  ) {
    this.client = new JwksClient({
      jwksUri: options.jwksUri,
      fetcher: createJwksFetcher({ timeoutMs: options.jwksTimeoutMs }),
      cache: false, // caching, rate limiting and fallback are done here, where they can be reasoned about together
      rateLimit: false,
    });
  }

  /** Until when (monotonic ms, see `monotonicNow`) the fetched key set counts as current. */
  get freshUntil(): number {
    return this.fetchedAt + this.options.jwksCacheMaxAgeMs;
  }

  /** Called with the kids whose key a refresh found gone or replaced, so whatever they verified can be forgotten. */
  onKeysRemoved(listener: KeysRemovedListener): void {
    this.removedListeners.push(listener);
  }

  async getKey(kid: string, alg: LogtoSigningAlgorithm): Promise<KeyObject> {
    this.dropKeysPastStaleAge();
    let key = this.find(kid, alg);
    let waited = false;
    if (monotonicNow() >= this.freshUntil && this.mayRetry()) {
      const refresh = this.refresh();
      // While the JWKS is known to be down, a known key is served from the last good set at once
      // instead of every request waiting out the retry's deadline.
      if (!(key && this.failedAt !== undefined)) {
        await refresh;
        waited = true;
      }
    } else if (!key && this.inFlight) {
      await this.inFlight; // a fetch already running may bring the kid, at no extra cost
      waited = true;
    }
    if (waited) {
      this.dropKeysPastStaleAge();
      key = this.find(kid, alg);
    }
    if (!key && !waited) {
      if (this.mayFetchForUnknownKid()) {
        this.unknownKidFetchAt = monotonicNow();
        await this.refresh();
        key = this.find(kid, alg);
      } else {
        this.absorbUnknownKid();
      }
    }
    if (key) return key;
    if (this.failedAt !== undefined) {
      throw new LogtoAuthException('jwks_unavailable', { retryAfterSeconds: this.secondsUntilRetry() });
    }
    throw new LogtoAuthException('unknown_key');
  }

  private find(kid: string, alg: LogtoSigningAlgorithm): KeyObject | undefined {
    return this.keysByKid.get(kid)?.find((candidate) => keyFitsAlgorithm(candidate, alg))?.key;
  }

  /** After a failure, the issuer is asked again only once the retry delay has passed. */
  private mayRetry(): boolean {
    return monotonicNow() >= this.retryAt();
  }

  private retryAt(): number {
    if (this.failedAt === undefined) return -Infinity;
    const { jwksCooldownMs } = this.options;
    return this.failedAt + (this.keysByKid.size > 0 ? jwksCooldownMs : Math.min(COLD_RETRY_AFTER_FAILURE_MS, jwksCooldownMs));
  }

  private mayFetchForUnknownKid(): boolean {
    return this.mayRetry() && monotonicNow() >= this.unknownKidFetchAt + this.options.jwksCooldownMs;
  }

  private secondsUntilRetry(): number {
    const next = Math.max(this.retryAt(), this.unknownKidFetchAt + this.options.jwksCooldownMs);
    return Math.max(1, Math.ceil((next - monotonicNow()) / 1000));
  }

  private refresh(): Promise<void> {
    this.inFlight ??= this.fetchKeys().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async fetchKeys(): Promise<void> {
    const startedAt = monotonicNow();
    this.logger.debug(`JWKS: fetching ${this.options.jwksUri}`);
    this.counters.countJwksFetch();
    let jwks: unknown[];
    try {
      jwks = (await this.client.getKeys()) as unknown[]; // the fetcher checked that "keys" is an array
    } catch (error) {
      this.counters.countJwksFetchFailure();
      if (this.failedAt === undefined) {
        const stale = this.keysByKid.size > 0 ? '; verifying with the last good key set' : '';
        this.logger.error(`JWKS unreachable at ${this.options.jwksUri}: ${describeJwksFetchFailure(error)}${stale}`);
      }
      this.failedAt = monotonicNow();
      return;
    }
    // A well-formed answer is the issuer's word, even with no usable key (RFC 7517 §5: the set the
    // issuer publishes now): an outage is a failed request, not a key set we do not like.
    const { keys, skipped } = importVerificationKeys(jwks);
    if (skipped > 0) this.logger.warn(`JWKS: ignored ${skipped} key(s) that cannot verify signatures`);
    if (keys.length === 0) this.logger.warn(`JWKS: ${this.options.jwksUri} publishes no usable signing key; every token is refused`);
    if (this.failedAt !== undefined) this.logger.log(`JWKS reachable again at ${this.options.jwksUri}`);
    this.failedAt = undefined;
    this.fetchedAt = startedAt;
    this.counters.countGoodKeySet();
    this.replaceKeys(keys);
  }

  // Past its refresh and `jwksStaleMaxAgeMs` more, the last good key set is too old to trust.
  private dropKeysPastStaleAge(): void {
    if (this.keysByKid.size === 0 || monotonicNow() < this.freshUntil + this.options.jwksStaleMaxAgeMs) return;
    this.logger.error(`JWKS: the last good key set of ${this.options.jwksUri} is past its stale maximum age; dropped`);
    this.replaceKeys([]);
  }

  private replaceKeys(keys: VerificationKey[]): void {
    const next = new Map<string, VerificationKey[]>();
    for (const key of keys) next.set(key.kid, [...(next.get(key.kid) ?? []), key]);
    // A kid is gone when any key it named is no longer published under it: a key replaced under the
    // same kid counts as removed (compared by key material, KeyObject.equals, never by kid alone).
    const removed = [...this.keysByKid].flatMap(([kid, previous]) =>
      previous.every(({ key }) => next.get(kid)?.some((candidate) => candidate.key.equals(key))) ? [] : [kid],
    );
    this.keysByKid = next;
    this.unknownKidsAbsorbed = 0;
    if (removed.length === 0) return;
    for (const listener of this.removedListeners) {
      try {
        listener(removed);
      } catch {
        this.logger.error('JWKS: a listener for removed keys failed');
      }
    }
  }

  private absorbUnknownKid(): void {
    if (++this.unknownKidsAbsorbed === FLOOD_LOG_THRESHOLD) {
      this.logger.warn(
        `JWKS: ${FLOOD_LOG_THRESHOLD} tokens with unknown key ids refused without refetching (cooldown in force)`,
      );
    }
  }
}

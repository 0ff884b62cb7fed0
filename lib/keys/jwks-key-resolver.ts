import { Logger } from '@nestjs/common';
import { KeyObject } from 'node:crypto';
import { JwksClient } from 'jwks-rsa';
import { LogtoAuthException } from '../errors/logto-auth.exception';
import { LogtoSigningAlgorithm } from '../logto-auth.constants';
import { ResolvedLogtoAuthOptions } from '../logto-auth.options';
import { importVerificationKeys, keyFitsAlgorithm, VerificationKey } from './verification-key';
import { describeJwksFetchFailure, JwksFetchFailure } from './jwks-fetch-failure';

// With no key at all every request is refused, so after a failed fetch the next may start this soon
// (or after the cooldown, if shorter) to notice the issuer is back. With a last good key set, the
// cooldown applies as usual.
const COLD_RETRY_AFTER_FAILURE_MS = 1_000;
const FLOOD_LOG_THRESHOLD = 100;

type KeysRemovedListener = (kids: readonly string[]) => void;

/** One key set's location and the module-wide JWKS timings. */
export type JwksKeySettings = Pick<ResolvedLogtoAuthOptions, 'jwksTimeoutMs' | 'jwksCooldownMs' | 'jwksCacheMaxAgeMs'> & {
  readonly jwksUri: string;
};

/**
 * The signing key for a `kid`, from the configured JWKS through jwks-rsa, hardened so that no token
 * can steer it: one fetch at a time (single flight); unknown kids refetch at most once per cooldown
 * (an attacker's random kids cannot hammer the issuer; within a window every unknown kid is refused
 * without a fetch); a total deadline on every fetch; the last good key set kept when the JWKS is
 * down; and a 503, not a 401, when no key can be had at all.
 */
export class JwksKeyResolver {
  private readonly logger = new Logger('LogtoAuth');
  private readonly client: JwksClient;
  private keysByKid = new Map<string, VerificationKey[]>();
  private fetchedAt = -Infinity;
  private attemptedAt = -Infinity;
  private failedAt: number | undefined;
  private inFlight: Promise<void> | undefined;
  private unknownKidsAbsorbed = 0;
  private readonly removedListeners: KeysRemovedListener[] = [];

  constructor(private readonly options: JwksKeySettings) {
    this.client = new JwksClient({
      jwksUri: options.jwksUri,
      timeout: options.jwksTimeoutMs,
      cache: false, // caching, rate limiting and fallback are done here, where they can be reasoned about together
      rateLimit: false,
    });
  }

  /** Called with the kids that a refresh found gone, so whatever they verified can be forgotten. */
  /** Until when (epoch ms) the fetched key set counts as current; before a fetch, or when stale, the past. */
  get freshUntil(): number {
    return this.fetchedAt + this.options.jwksCacheMaxAgeMs;
  }

  onKeysRemoved(listener: KeysRemovedListener): void {
    this.removedListeners.push(listener);
  }

  async getKey(kid: string, alg: LogtoSigningAlgorithm): Promise<KeyObject> {
    let key = this.find(kid, alg);
    let refreshed = false;
    if (Date.now() - this.fetchedAt >= this.options.jwksCacheMaxAgeMs && this.mayFetch()) {
      const refresh = this.refresh();
      // While the JWKS is known to be down, a known key is served from the last good set at once
      // instead of every request waiting out the retry's timeout.
      if (!(key && this.failedAt !== undefined)) {
        await refresh;
        key = this.find(kid, alg);
        refreshed = true;
      }
    }
    if (!key && !refreshed) {
      if (this.mayFetch()) {
        await this.refresh();
        key = this.find(kid, alg);
      } else {
        this.absorbUnknownKid();
      }
    }
    if (key) return key;
    if (this.failedAt !== undefined) {
      throw new LogtoAuthException('jwks_unavailable', { retryAfterSeconds: this.secondsUntilNextFetch() });
    }
    throw new LogtoAuthException('unknown_key');
  }

  private find(kid: string, alg: LogtoSigningAlgorithm): KeyObject | undefined {
    return this.keysByKid.get(kid)?.find((candidate) => keyFitsAlgorithm(candidate, alg))?.key;
  }

  private mayFetch(): boolean {
    return this.inFlight !== undefined || Date.now() >= this.nextFetchAllowedAt();
  }

  private nextFetchAllowedAt(): number {
    const { jwksCooldownMs } = this.options;
    if (this.failedAt === undefined) return this.attemptedAt + jwksCooldownMs;
    if (this.keysByKid.size > 0) return this.failedAt + jwksCooldownMs;
    return this.failedAt + Math.min(COLD_RETRY_AFTER_FAILURE_MS, jwksCooldownMs);
  }

  private secondsUntilNextFetch(): number {
    return Math.max(1, Math.ceil((this.nextFetchAllowedAt() - Date.now()) / 1000));
  }

  private refresh(): Promise<void> {
    this.inFlight ??= this.fetchKeys().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async fetchKeys(): Promise<void> {
    this.attemptedAt = Date.now();
    this.logger.debug(`JWKS: fetching ${this.options.jwksUri}`);
    let keys: VerificationKey[];
    try {
      const jwks = await withDeadline(this.client.getKeys(), this.options.jwksTimeoutMs);
      if (!Array.isArray(jwks)) throw JwksFetchFailure.noKeysArray();
      const imported = importVerificationKeys(jwks);
      if (imported.keys.length === 0) throw JwksFetchFailure.noUsableKey();
      if (imported.skipped > 0) this.logger.warn(`JWKS: ignored ${imported.skipped} key(s) that cannot verify signatures`);
      keys = imported.keys;
    } catch (error) {
      if (this.failedAt === undefined) {
        const stale = this.keysByKid.size > 0 ? '; verifying with the last good key set' : '';
        this.logger.error(`JWKS unreachable at ${this.options.jwksUri}: ${describeJwksFetchFailure(error)}${stale}`);
      }
      this.failedAt = Date.now();
      return;
    }
    if (this.failedAt !== undefined) this.logger.log(`JWKS reachable again at ${this.options.jwksUri}`);
    this.failedAt = undefined;
    this.fetchedAt = this.attemptedAt;
    this.replaceKeys(keys);
  }

  private replaceKeys(keys: VerificationKey[]): void {
    const next = new Map<string, VerificationKey[]>();
    for (const key of keys) next.set(key.kid, [...(next.get(key.kid) ?? []), key]);
    const removed = [...this.keysByKid.keys()].filter((kid) => !next.has(kid));
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

// jwks-rsa's timeout is a socket idle timeout; a server that trickles bytes would never trip it.
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(JwksFetchFailure.timeout(ms)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

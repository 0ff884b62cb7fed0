import { Injectable } from '@nestjs/common';
import { LogtoAuthErrorCode } from './errors/logto-auth.error-codes';

/** What `LogtoAuthCounters.snapshot()` returns: plain data, ready for a metrics route or a log line. */
export interface LogtoAuthCountersSnapshot {
  /** Full verifications started (decode, key, signature, claims): the work the token cache saves. */
  readonly verifications: number;
  /** Verified-token cache lookups that served a user. */
  readonly cacheHits: number;
  /** Verified-token cache lookups that found nothing alive (every lookup, with `tokenCache: false`). */
  readonly cacheMisses: number;
  /** The guard's refusals, by the `code` of the error body (only codes that occurred are present). */
  readonly refusals: Readonly<Partial<Record<LogtoAuthErrorCode, number>>>;
  /** JWKS requests started, every tenant together. */
  readonly jwksFetches: number;
  /** JWKS requests that brought no key set (network error, timeout, non-2xx, oversized, not a key set). */
  readonly jwksFetchFailures: number;
  /** Epoch milliseconds (wall clock) of the last well-formed key set fetched by any tenant; `null` before the first. */
  readonly lastGoodKeySetAt: number | null;
}

/**
 * A read-only view of what the module did since it started, one per `LogtoAuthModule` instance. Counters
 * only grow; nothing here names a token or a user.
 *
 * @example
 * @Controller('metrics')
 * export class MetricsController {
 *   constructor(private readonly counters: LogtoAuthCounters) {}
 *   @Get('auth') @Public() auth() { return this.counters.snapshot(); }
 * }
 */
@Injectable()
export class LogtoAuthCounters {
  private fullVerifications = 0;
  private hits = 0;
  private misses = 0;
  private readonly refusalsByCode = new Map<LogtoAuthErrorCode, number>();
  private fetches = 0;
  private fetchFailures = 0;
  private lastGoodKeySet: number | null = null;

  /** Full verifications started (decode, key, signature, claims): the work the token cache saves. */
  get verifications(): number {
    return this.fullVerifications;
  }

  /** Verified-token cache lookups that served a user. */
  get cacheHits(): number {
    return this.hits;
  }

  /** Verified-token cache lookups that found nothing alive. */
  get cacheMisses(): number {
    return this.misses;
  }

  /** JWKS requests started, every tenant together. */
  get jwksFetches(): number {
    return this.fetches;
  }

  /** JWKS requests that brought no key set. */
  get jwksFetchFailures(): number {
    return this.fetchFailures;
  }

  /** Epoch milliseconds (wall clock) of the last well-formed key set fetched; `null` before the first. */
  get lastGoodKeySetAt(): number | null {
    return this.lastGoodKeySet;
  }

  /** How many times the guard refused with `code`; all codes together without one. */
  refusals(code?: LogtoAuthErrorCode): number {
    if (code !== undefined) return this.refusalsByCode.get(code) ?? 0;
    let total = 0;
    for (const count of this.refusalsByCode.values()) total += count;
    return total;
  }

  /** Every counter at this moment, as plain data (a copy: later counting does not change it). */
  snapshot(): LogtoAuthCountersSnapshot {
    return {
      verifications: this.fullVerifications,
      cacheHits: this.hits,
      cacheMisses: this.misses,
      refusals: Object.fromEntries(this.refusalsByCode),
      jwksFetches: this.fetches,
      jwksFetchFailures: this.fetchFailures,
      lastGoodKeySetAt: this.lastGoodKeySet,
    };
  }

  /** @internal */
  countVerification(): void {
    this.fullVerifications++;
  }

  /** @internal */
  countCacheLookup(hit: boolean): void {
    if (hit) this.hits++;
    else this.misses++;
  }

  /** @internal */
  countRefusal(code: LogtoAuthErrorCode): void {
    this.refusalsByCode.set(code, (this.refusalsByCode.get(code) ?? 0) + 1);
  }

  /** @internal */
  countJwksFetch(): void {
    this.fetches++;
  }

  /** @internal */
  countJwksFetchFailure(): void {
    this.fetchFailures++;
  }

  /** @internal */
  countGoodKeySet(): void {
    this.lastGoodKeySet = Date.now();
  }
}

import { Injectable } from '@nestjs/common';
import { VerifiedTokenCache } from './verified-token-cache';

/**
 * The verified-token cache of this module instance (shared by every `LogtoAuthGuard` instance and by
 * `AuthGuard('logto')`), as far as an application needs it: to forget every verified token, so that the
 * next request with each is verified in full again (for example after revoking tokens at Logto).
 *
 * @example
 * @Injectable()
 * export class RevocationService {
 *   constructor(private readonly tokenCache: LogtoTokenCache) {}
 *   onTokensRevoked() { this.tokenCache.clear(); }
 * }
 */
@Injectable()
export class LogtoTokenCache {
  /**
   * Built by Nest's injector only (the cache it wraps is internal).
   * @internal
   */
  constructor(private readonly cache: VerifiedTokenCache) {}

  /** Forgets every verified token. */
  clear(): void {
    this.cache.clear();
  }

  /** How many tokens are remembered now (expired entries count until they are next looked up). */
  get size(): number {
    return this.cache.size;
  }
}

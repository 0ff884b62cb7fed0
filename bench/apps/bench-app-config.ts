/** What every app under test is told by the bench (through the BENCH_APP_CONFIG environment variable). */
export interface BenchAppConfig {
  readonly app: BenchAppName;
  readonly endpoint: string;
  readonly issuer: string;
  readonly jwksUri: string;
  readonly audience: string;
  /** tokenCache.maxEntries of this module's app. */
  readonly cacheMaxEntries: number;
}

export type BenchAppName = 'unguarded' | 'empty-guard' | 'empty-guard-user' | 'logto-module' | 'passport-recipe' | 'jose-guard' | 'signature-sync' | 'signature-async' | 'signature-batched';

/**
 * The route every app serves: GET /documents, answered with the caller's `sub` by the same handler
 * (`@Req()`), so that the rows differ by their guard only.
 */
export interface BenchRequest {
  readonly user?: { readonly sub?: string };
}

export const BENCH_PATH = '/documents';
/** The logto-module app only: the same handler as `BENCH_PATH` without `@Scopes` (the token is still verified). */
export const UNSCOPED_PATH = '/unscoped';
export const REQUIRED_SCOPE = 'read:documents';

/** Injection token of the `BenchAppConfig` in the apps' own providers. */
export const BENCH_APP_CONFIG = 'BENCH_APP_CONFIG';

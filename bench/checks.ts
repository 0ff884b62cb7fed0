import { BenchAppConfig } from './apps/bench-app-config';
import { AppProcess, LoadDriver } from './children';
import { JwksServer } from '../test/helpers/jwks-server';

const MB = 1024 * 1024;

/**
 * 1,000 concurrent requests, each with its own token signed by a key the module has not seen yet
 * (just published in the JWKS): the module must fetch the JWKS exactly once, and accept them all.
 */
export async function checkUnknownKidSingleFlight(
  jwks: JwksServer,
  keys: readonly object[],
  app: AppProcess,
  driver: LoadDriver,
  tokensFile: string,
) {
  jwks.setKeys(keys);
  jwks.resetCount();
  const result = await driver.run({ url: app.url(), mode: 'pool', tokensFile, cursor: 0, connections: 1_000, amount: 1_000 });
  return { requests: result.requests, non2xx: result.non2xx + result.errors, jwksRequests: jwks.requests, strayJwksRequests: jwks.strayRequests.length };
}

/**
 * Heap of a fresh module app (live objects only: measured after a forced GC) before any token, once
 * the cache is full, and after all the distinct tokens: the last may not exceed the full cache by more
 * than a margin, whatever the number of tokens.
 */
export async function checkMemory(config: BenchAppConfig, driver: LoadDriver, tokensFile: string, repeatedFile: string, tokens: number) {
  const app = await AppProcess.start(config);
  try {
    await driver.run({ url: app.url(), mode: 'repeated', tokensFile: repeatedFile, cursor: 0, connections: 10, amount: 2_000 });
    const baseline = await app.heapUsed();
    const fill = await driver.run({ url: app.url(), mode: 'pool', tokensFile, cursor: 0, connections: 10, amount: config.cacheMaxEntries });
    const full = await app.heapUsed();
    const rest = await driver.run({ url: app.url(), mode: 'pool', tokensFile, cursor: fill.tokensUsed, connections: 10, amount: tokens - fill.tokensUsed });
    const end = await app.heapUsed();
    const counters = await app.counters();
    const growthWhenFullMB = (full - baseline) / MB;
    const growthAfterAllMB = (end - baseline) / MB;
    // The bound: what a full cache weighs, plus 25% and 2 MB for the collector's and the JIT's own noise.
    const boundMB = growthWhenFullMB * 1.25 + 2;
    return {
      tokens: fill.tokensUsed + rest.tokensUsed,
      algorithm: 'ES256',
      cacheMaxEntries: config.cacheMaxEntries,
      cachedTokensAtEnd: counters.cachedTokens,
      fullVerifications: counters.fullVerifications,
      non2xx: fill.non2xx + rest.non2xx + fill.errors + rest.errors,
      baselineHeapMB: baseline / MB,
      growthWhenFullMB,
      growthAfterAllMB,
      bytesPerEntry: Math.round((full - baseline) / config.cacheMaxEntries),
      boundMB,
      withinBound: growthAfterAllMB <= boundMB && fill.non2xx + rest.non2xx === 0,
    };
  } finally {
    await app.stop();
  }
}

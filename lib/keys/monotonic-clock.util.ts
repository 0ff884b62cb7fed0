/**
 * Milliseconds on a clock that only moves forward, for every window the module measures (JWKS cooldown,
 * retry after a failure, key-set age, cache lifetimes, Retry-After). A wall-clock step (NTP, a VM resumed,
 * an operator) must neither open the unknown-kid flood gate nor freeze a key set. Token times (`exp`,
 * `nbf`, `iat`) are wall-clock facts and keep using `Date.now()`.
 * Read through `globalThis` at each call, so a test's fake `performance` is honoured.
 */
export function monotonicNow(): number {
  return globalThis.performance.now();
}

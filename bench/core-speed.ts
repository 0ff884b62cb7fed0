/**
 * The speed of the apps' core, read before and after each measured window.
 *
 * On this shared machine the same fixed work runs at two speeds, switching abruptly and lasting from tens of
 * seconds to minutes (a pinned ES384 verification loop: about 520-540 µs per verification, or 780-960 µs),
 * and every app row scales with it by about the same factor. A window measured in a slow stretch cannot be
 * compared with its neighbour measured in a fast one, so the bench times a fixed ES384 verification on the
 * apps' core (their CPU is idle then) just before and just after each window, and measures again a window
 * that the machine slowed (see run.ts, `retakeSlowWindows`).
 */

/** Batches of `PROBE_VERIFIES` verifications each; the probe answers the median batch, µs per verification. */
export const PROBE_BATCHES = 3;
export const PROBE_VERIFIES = 60;
/**
 * A window is slow when the slower of its two probes exceeds the fastest probe of the run by more than this:
 * the fast speed's own spread, round to round, stays within about 3%; the slow speed is 45-80% above it.
 */
export const SLOW_WINDOW_FACTOR = 1.06;

/** Times `verifyOnce` in batches; the median batch, in µs per call. */
export function measureCoreSpeed(verifyOnce: () => void, batches = PROBE_BATCHES, perBatch = PROBE_VERIFIES): number {
  const perVerify: number[] = [];
  for (let batch = 0; batch < batches; batch++) {
    const start = performance.now();
    for (let i = 0; i < perBatch; i++) verifyOnce();
    perVerify.push(((performance.now() - start) * 1000) / perBatch);
  }
  perVerify.sort((a, b) => a - b);
  return perVerify[Math.floor(perVerify.length / 2)];
}

/** The core speed of one measured window: the slower of the probes taken just before and just after it. */
export const windowCoreSpeed = (before: number, after: number): number => Math.max(before, after);

/** The rounds (indexes) of each row whose window was slow against the fastest window speed of them all. */
export function slowWindows<Id extends string>(speeds: ReadonlyMap<Id, readonly number[]>, factor = SLOW_WINDOW_FACTOR): { readonly reference: number; readonly slow: readonly { readonly id: Id; readonly round: number }[] } {
  const reference = Math.min(...[...speeds.values()].flat());
  const slow = [...speeds].flatMap(([id, rounds]) => rounds.flatMap((speed, round) => (speed > reference * factor ? [{ id, round }] : [])));
  return { reference, slow };
}

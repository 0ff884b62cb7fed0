import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchAppName, UNSCOPED_PATH } from './apps/bench-app-config';
import { AppProcess, CoreSpeedProbe, LoadDriver, measureCryptoLimit, measureMissBreakdown, PINNING } from './children';
import { SLOW_WINDOW_FACTOR, slowWindows, windowCoreSpeed } from './core-speed';
import { formatPairs, Pair, PAIRS, pairedTargets, pairFigures, PairFigures, PairRound } from './paired';
import { formatMissBreakdown } from './miss-breakdown';
import { LoadResult } from './ipc';
import { TEST_AUDIENCE } from '../test/helpers/sign-token';
import { bestOfRounds, formatMarkdown, formatTable, formatTargets, machine, medianOfRounds, RowFigures, Target } from './report';
import { checkMemory, checkUnknownKidSingleFlight } from './checks';
import { measureCacheLookup } from './cache-lookup';
import { formatInstructions, measureInstructions } from './instructions';
import { startFixture } from './fixture';
import { profileMain } from './profile';
import { Figures, NEW_TOKEN_ROWS, performanceTargets, RowId, serialBound, SerialBound, stackCost, StackCost } from './targets';

const quick = process.argv.includes('--quick');
// `--cpu-prof`: every app under test runs under `node --cpu-prof`; profiles land in bench/profiles/.
const cpuProfileDir = process.argv.includes('--cpu-prof') ? join(__dirname, '../../../bench/profiles') : undefined;
const SETTINGS = quick
  ? { rounds: 3, warmupSeconds: 1, seconds: 2, poolSize: 3_000, cacheMaxEntries: 1_000, memoryTokens: 20_000, breakdownTokens: 300, callgrindRequests: { warmup: 3_000, measured: 500 } }
  : { rounds: 5, warmupSeconds: 2, seconds: 6, poolSize: 12_000, cacheMaxEntries: 10_000, memoryTokens: 100_000, breakdownTokens: 1_000, callgrindRequests: { warmup: 3_000, measured: 2_000 } };
// Enough to keep the app's core saturated even when the driver's core is shared; fewer connections
// measure the round trip more than the app (on this machine, 10 left the unguarded app 27% idle).
// `--connections=N` changes it: with 1, no guard can batch its verifications (see bench/README.md).
const CONNECTIONS = Number(process.argv.find((arg) => arg.startsWith('--connections='))?.split('=')[1] ?? 50);
if (!Number.isInteger(CONNECTIONS) || CONNECTIONS < 1) throw new Error('--connections=N: N must be a whole number from 1');

interface Row {
  readonly id: RowId;
  readonly label: string;
  readonly app?: BenchAppName;
  readonly tokens?: 'repeated' | 'pool';
  /** The route, when not `GET /documents`. */
  readonly path?: string;
}

const ROWS: readonly Row[] = [
  { id: 'unguarded', label: '1. unguarded route (HTTP stack ceiling)', app: 'unguarded', tokens: 'repeated' },
  { id: 'empty-guard', label: '2. empty global APP_GUARD (returns true), repeated token', app: 'empty-guard', tokens: 'repeated' },
  { id: 'empty-guard-user', label: '2b. empty global APP_GUARD that hands over a caller (sets request.user), repeated token', app: 'empty-guard-user', tokens: 'repeated' },
  { id: 'module-repeated', label: '3a. nestjs-logto, repeated token, @Scopes route (cache hits)', app: 'logto-module', tokens: 'repeated' },
  { id: 'module-unscoped', label: '3b. nestjs-logto, repeated token, no @Scopes (cache hits)', app: 'logto-module', tokens: 'repeated', path: UNSCOPED_PATH },
  { id: 'module-new', label: '4. nestjs-logto, new token every request (misses)', app: 'logto-module', tokens: 'pool' },
  { id: 'recipe-repeated', label: '5a. AuthGuard(jwt)+passport-jwt+jwks-rsa, repeated token', app: 'passport-recipe', tokens: 'repeated' },
  { id: 'recipe-new', label: '5b. AuthGuard(jwt)+passport-jwt+jwks-rsa, new token', app: 'passport-recipe', tokens: 'pool' },
  { id: 'jose-repeated', label: '6a. jose jwtVerify+createRemoteJWKSet, repeated token', app: 'jose-guard', tokens: 'repeated' },
  { id: 'jose-new', label: '6b. jose jwtVerify+createRemoteJWKSet, new token', app: 'jose-guard', tokens: 'pool' },
  { id: 'es384-limit', label: '7. ES384 verifications/s, one core, node:crypto' },
  { id: 'signature-sync', label: '8a. signature check alone, synchronous (node:crypto verify), new token', app: 'signature-sync', tokens: 'pool' },
  { id: 'signature-async', label: '8b. signature check alone, on the thread pool (verify with a callback), new token', app: 'signature-async', tokens: 'pool' },
  { id: 'signature-batched', label: "8c. signature check alone, synchronous, one turn's checks together (as this module), new token", app: 'signature-batched', tokens: 'pool' },
];

// Rows compared with each other that stand next to each other in ROWS: every other round they swap places,
// so that neither always follows another app's row (a cold cache) and the other a warm one.
const COMPARED_NEIGHBOURS: readonly (readonly [RowId, RowId])[] = [
  ['module-repeated', 'module-unscoped'],
  ['signature-sync', 'signature-async'],
];

async function main(): Promise<void> {
  const startedAt = new Date();
  const before = machine();
  console.log(`nestjs-logto bench (${quick ? 'quick' : 'full'}): ${before.cores} cores, ${before.cpuModel}, Node ${before.node}, load ${before.loadAverage.join(' ')}`);
  console.log(PINNING ? `apps pinned to cpu ${PINNING.appCore}, load driver to cpu ${PINNING.driverCore}` : 'no CPU pinning');
  const fixture = await startFixture({ poolSize: SETTINGS.poolSize, checks: { memoryTokens: SETTINGS.memoryTokens } });
  const { jwks, keys, repeated, files } = fixture;
  const cacheLookup = measureCacheLookup(repeated[0].length);
  console.log(`full cache of ${cacheLookup.maxEntries}: a hit ${cacheLookup.nanosecondsPerHit} ns, a new token remembered (one eviction) ${cacheLookup.nanosecondsPerMissRemembered} ns`);
  const apps = new Map<BenchAppName, AppProcess>();
  for (const name of new Set(ROWS.flatMap((row) => row.app ?? []))) apps.set(name, await AppProcess.start(fixture.config(name, SETTINGS.cacheMaxEntries), cpuProfileDir));
  const driver = new LoadDriver();
  const secondDriver = new LoadDriver(); // paired windows: one load per app, at once
  const probe = new CoreSpeedProbe();
  const cursors = new Map<string, number>(); // each app walks the pool in order: no token reaches it twice within a cycle
  let twin: AppProcess | undefined; // a second instance of the module's app, for the pairs of the app with itself

  const samples = new Map<RowId, RowFigures[]>(ROWS.map((row) => [row.id, []]));
  try {
    for (let round = 0; round < SETTINGS.rounds; round++) {
      const order = ROWS.map((_, i) => ROWS[(i + round * 3) % ROWS.length]);
      if (round % 2 === 1) for (const [a, b] of COMPARED_NEIGHBOURS) swap(order, a, b);
      console.log(`round ${round + 1}/${SETTINGS.rounds}: ${order.map((row) => row.id).join(', ')}`);
      for (const row of order) {
        samples.get(row.id)!.push(await measureWindow(row));
      }
    }
    const coreSpeed = await retakeSlowWindows();
    console.log(formatCoreSpeed(coreSpeed));
    const pairs: PairFigures[] = [];
    for (const pair of PAIRS) {
      console.log(`paired: ${pair.name}`);
      pairs.push(await measurePair(pair));
    }
    const targetsOfPairs = pairedTargets(pairs);

    const figuresBy = (reduce: (rounds: readonly RowFigures[]) => RowFigures) =>
      Object.fromEntries(ROWS.map((row) => [row.id, reduce(samples.get(row.id)!)])) as Figures;
    // On a shared machine other load only ever slows a round down: each row's best round is the one
    // least disturbed. Shown beside the medians.
    const medians = figuresBy(medianOfRounds);
    const best = figuresBy(bestOfRounds);
    const bestRoundTargets = performanceTargets(best, ', best rounds');
    const unknownKid = await checkUnknownKidSingleFlight(jwks, [keys.es384.jwk, keys.es256.jwk, keys.rotatedIn.jwk], apps.get('logto-module')!, driver, files.rotatedIn);
    await Promise.all([...apps.values(), ...(twin ? [twin] : [])].map((app) => app.stop()));
    apps.clear();
    twin = undefined;
    const memory = await checkMemory(fixture.config('logto-module', 10_000), driver, files.memory, files.repeated, SETTINGS.memoryTokens);
    const missBreakdown = await measureMissBreakdown({
      endpoint: jwks.endpoint,
      issuer: jwks.issuer,
      audience: TEST_AUDIENCE,
      jwk: keys.es384.jwk,
      tokensFile: files.pool,
      tokens: SETTINGS.breakdownTokens,
      rounds: SETTINGS.rounds,
    });

    // The hit path's rows once more, counted in instructions (after every timed row: callgrind takes a core).
    const instructions = await measureInstructions(fixture, driver, HIT_PATH_APPS, SETTINGS.callgrindRequests.warmup, SETTINGS.callgrindRequests.measured);

    const rowFigures = Object.values(medians);
    const targets: Target[] = [
      ...performanceTargets(medians),
      { name: '1,000 concurrent requests, unseen kid: JWKS requests', value: unknownKid.jwksRequests, rule: '=', target: 1, unit: '', met: unknownKid.jwksRequests === 1 && unknownKid.non2xx === 0 },
      { name: `heap growth after ${memory.tokens.toLocaleString('en-US')} tokens vs cache full (MB)`, value: memory.growthAfterAllMB, rule: '<=', target: memory.boundMB, unit: ' MB', met: memory.withinBound },
      { name: 'non-2xx responses in all rows', value: rowFigures.reduce((sum, f) => sum + (f.non2xx ?? 0), 0), rule: '=', target: 0, unit: '', met: rowFigures.every((f) => !f.non2xx) },
    ];
    const bounds = { medians: serialBound(medians), bestRounds: serialBound(best) };
    const stack = { medians: stackCost(medians), bestRounds: stackCost(best) };
    const rows = ROWS.map((row) => ({ label: row.label, figures: medians[row.id] }));
    console.log(`\n${formatTable(rows)}\n\n${formatSerialBound(bounds.medians, 'medians')}\n${formatSerialBound(bounds.bestRounds, 'best rounds')}`);
    console.log(`\n${formatStackCost(stack.medians, 'medians')}\n${formatStackCost(stack.bestRounds, 'best rounds')}`);
    console.log(`\n${formatPairs(pairs)}`);
    console.log(`\n${formatTargets(targets)}\n\n${formatTargets(bestRoundTargets)}\n\n${formatTargets(targetsOfPairs)}`);
    console.log(`\n${formatMissBreakdown(missBreakdown)}`);
    console.log(`\n${formatInstructions(instructions)}`);
    console.log(`\ncache hit alone: ${JSON.stringify(cacheLookup)}\nunknown kid: ${JSON.stringify(unknownKid)}\nmemory: ${JSON.stringify(memory)}`);
    const after = machine();
    const results = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      mode: quick ? 'quick' : 'full',
      settings: { ...SETTINGS, connections: CONNECTIONS, adapter: 'express', pinning: PINNING, eventLoopDelayResolutionMs: 1 },
      machine: { ...before, loadAverageBefore: before.loadAverage, loadAverageAfter: after.loadAverage },
      rows: Object.fromEntries(ROWS.map((row) => [row.id, { label: row.label, ...medians[row.id], bestRound: best[row.id], rounds: samples.get(row.id) }])),
      coreSpeed,
      serialBound: bounds,
      stackCost: stack,
      targets,
      bestRoundTargets,
      paired: pairs,
      pairedTargets: targetsOfPairs,
      cacheLookup,
      missBreakdown,
      instructions,
      unknownKid,
      memory,
    };
    writeFileSync(join(__dirname, '../../../bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\n${formatMarkdown(rows, [...targets, ...bestRoundTargets, ...targetsOfPairs])}\n\nwrote bench/results.json`);
  } finally {
    await Promise.all([...apps.values(), ...(twin ? [twin] : [])].map((app) => app.stop()));
    driver.stop();
    secondDriver.stop();
    probe.stop();
    await fixture.close();
  }

  /**
   * Both rows of `pair` at once, each app with half the connections, `SETTINGS.rounds` times (paired.ts). A pair
   * of one app with itself (the control, the scoped and unscoped routes) runs `theirs` in a second instance of
   * the app. The two sides swap drivers every other round.
   */
  async function measurePair(pair: Pair): Promise<PairFigures> {
    const [ours, theirs] = [pair.ours, pair.theirs].map((id) => ROWS.find((row) => row.id === id)!);
    const oursApp = apps.get(ours.app!)!;
    let theirsApp = apps.get(theirs.app!)!;
    if (theirs.app === ours.app) {
      twin ??= await AppProcess.start(fixture.config(ours.app!, SETTINGS.cacheMaxEntries), cpuProfileDir);
      theirsApp = twin;
    }
    const half = Math.max(1, Math.floor(CONNECTIONS / 2));
    const rounds: PairRound[] = [];
    for (let round = 0; round < SETTINGS.rounds; round++) {
      const drivers = round % 2 === 0 ? [driver, secondDriver] : [secondDriver, driver];
      const both = (seconds: number) =>
        Promise.all([load(ours, oursApp, drivers[0], half, seconds, ours.app!), load(theirs, theirsApp, drivers[1], half, seconds, theirsApp === twin ? 'twin' : theirs.app!)]);
      await Promise.all([oursApp.heapUsed(), theirsApp.heapUsed()]);
      await both(SETTINGS.warmupSeconds);
      const before = await Promise.all([oursApp.counters(), theirsApp.counters()]);
      const [oursLoad, theirsLoad] = await both(PAIRED_SECONDS);
      const after = await Promise.all([oursApp.counters(), theirsApp.counters()]);
      rounds.push({
        oursCpu: (after[0].cpuMicroseconds - before[0].cpuMicroseconds) / oursLoad.requests,
        theirsCpu: (after[1].cpuMicroseconds - before[1].cpuMicroseconds) / theirsLoad.requests,
        oursRequestsPerSecond: oursLoad.requestsPerSecond,
        theirsRequestsPerSecond: theirsLoad.requestsPerSecond,
        non2xx: oursLoad.non2xx + oursLoad.errors + theirsLoad.non2xx + theirsLoad.errors,
      });
    }
    return pairFigures(pair, rounds);
  }

  // One load of a row's app by one driver, walking the pool from where that app left off (so every new token is a miss).
  async function load(row: Row, app: AppProcess, by: LoadDriver, connections: number, duration: number, cursorKey: string): Promise<LoadResult> {
    const cursor = cursors.get(cursorKey) ?? 0;
    const tokensFile = row.tokens === 'pool' ? files.pool : files.repeated;
    const result = await by.run({ url: app.url(row.path), mode: row.tokens!, tokensFile, cursor, connections, duration });
    cursors.set(cursorKey, (cursor + result.tokensUsed) % SETTINGS.poolSize);
    return result;
  }

  /** One measured window of a row, between two readings of the core-speed probe. */
  async function measureWindow(row: Row): Promise<RowFigures> {
    const before = await probe.microsecondsPerVerify();
    const figures = row.app ? await measureRow(row, apps.get(row.app)!) : await measureLimit();
    const after = await probe.microsecondsPerVerify();
    return { ...figures, coreSpeedMicroseconds: windowCoreSpeed(before, after) };
  }

  /**
   * Measures again, once each, the slowest windows that the machine slowed (core-speed.ts), at most
   * `MAX_RETAKES` of them, and keeps whichever of the two ran on the faster core. Returns what it did.
   */
  async function retakeSlowWindows(): Promise<CoreSpeedReport> {
    const speedsOf = () => new Map(ROWS.map((row) => [row.id, samples.get(row.id)!.map((f) => f.coreSpeedMicroseconds!)]));
    const speeds = speedsOf();
    const first = slowWindows(speeds);
    const bySlowness = [...first.slow].sort((a, b) => speeds.get(b.id)![b.round] - speeds.get(a.id)![a.round]);
    const retakes: CoreSpeedReport['retakes'][number][] = [];
    for (const { id, round } of bySlowness.slice(0, MAX_RETAKES)) {
      const rounds = samples.get(id)!;
      const again = await measureWindow(ROWS.find((row) => row.id === id)!);
      const kept = again.coreSpeedMicroseconds! < rounds[round].coreSpeedMicroseconds! ? 'retake' : 'first';
      retakes.push({ row: id, round: round + 1, firstMicroseconds: rounds[round].coreSpeedMicroseconds!, retakeMicroseconds: again.coreSpeedMicroseconds!, kept });
      if (kept === 'retake') rounds[round] = again;
    }
    const last = slowWindows(speedsOf());
    return {
      referenceMicroseconds: last.reference,
      windows: ROWS.length * SETTINGS.rounds,
      slowAtFirst: first.slow.length,
      retakes,
      leftSlow: last.slow.map(({ id, round }) => ({ row: id, round: round + 1, microseconds: samples.get(id)![round].coreSpeedMicroseconds! })),
    };
  }

  async function measureRow(row: Row, app: AppProcess): Promise<RowFigures> {
    const loadFor = (duration: number) => load(row, app, driver, CONNECTIONS, duration, row.app!);
    // A full collection first: the garbage of the app's previous row (a miss row's cache churn) is not
    // collected on this row's time. This row's own garbage is, during its warm-up and its window.
    await app.heapUsed();
    await loadFor(SETTINGS.warmupSeconds);
    const before = await app.counters(); // also resets the app's event-loop delay histogram
    const result = await loadFor(SETTINGS.seconds);
    const after = await app.counters();
    const perRequest = (after.fullVerifications - before.fullVerifications) / result.requests;
    return {
      requestsPerSecond: result.requestsPerSecond,
      p50: result.p50,
      p99: result.p99,
      non2xx: result.non2xx + result.errors,
      cpuMicrosecondsPerRequest: (after.cpuMicroseconds - before.cpuMicroseconds) / result.requests,
      eventLoopDelayP99Ms: after.eventLoopDelay.p99Ms,
      ...(row.app === 'logto-module' && { fullVerificationsPerRequest: perRequest }),
    };
  }

  async function measureLimit(): Promise<RowFigures> {
    const signingInput = repeated[0].split('.').slice(0, 2).join('.');
    const pem = keys.es384.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    const limit = await measureCryptoLimit(SETTINGS.seconds, pem, signingInput);
    return { requestsPerSecond: limit.verifiesPerSecond, p50: limit.p50, p99: limit.p99, non2xx: null, verifiesPerCpuSecond: limit.verifiesPerCpuSecond };
  }
}

/**
 * The apps counted in instructions: the empty guard, the handover guard and the module, with the repeated token.
 * Warm-up is 3,000 requests even with `--quick`: after 1,000 the JIT had not settled (the module's guard step read
 * 73,000 instructions, 26,000 once settled).
 */
const HIT_PATH_APPS: readonly BenchAppName[] = ['empty-guard', 'empty-guard-user', 'logto-module'];

/** A paired window lasts at least 4 s: with 2 s (`--quick`), the control pair read anywhere from 0.96 to 1.33. */
const PAIRED_SECONDS = Math.max(SETTINGS.seconds, 4);

/** At most this many slow windows are measured again: two per row, about 4 more minutes in a full run. */
const MAX_RETAKES = ROWS.length * 2;

interface CoreSpeedReport {
  /** The fastest window speed of the run, µs per ES384 verification of the probe. */
  readonly referenceMicroseconds: number;
  readonly windows: number;
  readonly slowAtFirst: number;
  readonly retakes: readonly { readonly row: RowId; readonly round: number; readonly firstMicroseconds: number; readonly retakeMicroseconds: number; readonly kept: 'first' | 'retake' }[];
  readonly leftSlow: readonly { readonly row: RowId; readonly round: number; readonly microseconds: number }[];
}

function formatCoreSpeed(report: CoreSpeedReport): string {
  const kept = report.retakes.filter((r) => r.kept === 'retake').length;
  const left = report.leftSlow.map((w) => `${w.row} round ${w.round} (${w.microseconds.toFixed(0)} us)`).join(', ');
  return (
    `core speed: fastest window ${report.referenceMicroseconds.toFixed(0)} us per ES384 verify; ${report.slowAtFirst} of ${report.windows} windows slower by more than ` +
    `${((SLOW_WINDOW_FACTOR - 1) * 100).toFixed(0)}%, ${report.retakes.length} measured again (${kept} retakes kept); left slow: ${report.leftSlow.length}${left ? ` (${left})` : ''}`
  );
}

/** Swaps the positions of two rows in `order`. */
function swap(order: Row[], a: RowId, b: RowId): void {
  const [i, j] = [order.findIndex((row) => row.id === a), order.findIndex((row) => row.id === b)];
  [order[i], order[j]] = [order[j], order[i]];
}

function formatSerialBound(bound: SerialBound, of: string): string {
  const rows = NEW_TOKEN_ROWS.map((id) => `${id} ${bound.rows[id].requestsPerSecond.toFixed(2)}x on req/s, ${bound.rows[id].cpu.toFixed(2)}x on CPU`);
  return (
    `serial bound (${of}): unguarded ${bound.httpMicroseconds.toFixed(0)} us + one ES384 verify ${bound.verifyMicroseconds.toFixed(0)} us = ` +
    `${bound.cpuMicrosecondsPerRequest.toFixed(0)} us of CPU per request, ${bound.requestsPerSecond.toFixed(0)} req/s on one core; ${rows.join('; ')}`
  );
}

function formatStackCost(cost: StackCost, of: string): string {
  const us = (value: number) => `${value.toFixed(0)} us`;
  return (
    `a miss over the jose guard's (${of}, CPU per request): ${us(cost.gapOverJose)} = ${us(cost.synchronousSignature)} for checking the signature ` +
    `synchronously, one turn's checks together (8c - 8b, the stack's way) + ${us(cost.remainderOverJose)} of the rest (ours beyond the signature, 4 - 8c: ` +
    `${us(cost.oursBeyondSignature)}; jose's, 6b - 8b: ${us(cost.joseBeyondSignature)}); batching the synchronous checks saves ${us(cost.batchingSaves)} (8a - 8c)`
  );
}

/** `--instructions`: only the instruction counts (about 5 minutes), printed, not written to results.json. */
async function instructionsMain(): Promise<void> {
  const fixture = await startFixture({ poolSize: 1 });
  const driver = new LoadDriver();
  try {
    const { warmup, measured } = SETTINGS.callgrindRequests;
    console.log(formatInstructions(await measureInstructions(fixture, driver, HIT_PATH_APPS, warmup, measured)));
  } finally {
    driver.stop();
    await fixture.close();
  }
}

const run = process.argv.includes('--profile') ? profileMain : process.argv.includes('--instructions') ? instructionsMain : main;
void run().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchAppName, UNSCOPED_PATH } from './apps/bench-app-config';
import { AppProcess, LoadDriver, measureCryptoLimit, measureMissBreakdown, PINNING } from './children';
import { formatMissBreakdown } from './miss-breakdown';
import { TEST_AUDIENCE } from '../test/helpers/sign-token';
import { bestOfRounds, formatMarkdown, formatTable, formatTargets, machine, medianOfRounds, RowFigures, Target } from './report';
import { checkMemory, checkUnknownKidSingleFlight } from './checks';
import { measureCacheLookup } from './cache-lookup';
import { startFixture } from './fixture';
import { profileMain } from './profile';
import { Figures, NEW_TOKEN_ROWS, performanceTargets, RowId, serialBound, SerialBound, stackCost, StackCost } from './targets';

const quick = process.argv.includes('--quick');
// `--cpu-prof`: every app under test runs under `node --cpu-prof`; profiles land in bench/profiles/.
const cpuProfileDir = process.argv.includes('--cpu-prof') ? join(__dirname, '../../../bench/profiles') : undefined;
const SETTINGS = quick
  ? { rounds: 3, warmupSeconds: 1, seconds: 2, poolSize: 3_000, cacheMaxEntries: 1_000, memoryTokens: 20_000, breakdownTokens: 300 }
  : { rounds: 5, warmupSeconds: 2, seconds: 6, poolSize: 12_000, cacheMaxEntries: 10_000, memoryTokens: 100_000, breakdownTokens: 1_000 };
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
  console.log(`cache hit, full cache of ${cacheLookup.maxEntries}: ${cacheLookup.nanosecondsPerHit} ns`);
  const apps = new Map<BenchAppName, AppProcess>();
  for (const name of new Set(ROWS.flatMap((row) => row.app ?? []))) apps.set(name, await AppProcess.start(fixture.config(name, SETTINGS.cacheMaxEntries), cpuProfileDir));
  const driver = new LoadDriver();
  const cursors = new Map<BenchAppName, number>(); // each app walks the pool in order: no token reaches it twice within a cycle

  const samples = new Map<RowId, RowFigures[]>(ROWS.map((row) => [row.id, []]));
  try {
    for (let round = 0; round < SETTINGS.rounds; round++) {
      const order = ROWS.map((_, i) => ROWS[(i + round * 3) % ROWS.length]);
      if (round % 2 === 1) for (const [a, b] of COMPARED_NEIGHBOURS) swap(order, a, b);
      console.log(`round ${round + 1}/${SETTINGS.rounds}: ${order.map((row) => row.id).join(', ')}`);
      for (const row of order) {
        samples.get(row.id)!.push(row.app ? await measureRow(row, apps.get(row.app)!) : await measureLimit());
      }
    }

    const figuresBy = (reduce: (rounds: readonly RowFigures[]) => RowFigures) =>
      Object.fromEntries(ROWS.map((row) => [row.id, reduce(samples.get(row.id)!)])) as Figures;
    // On a shared machine other load only ever slows a round down: each row's best round is the one
    // least disturbed. Shown beside the medians.
    const medians = figuresBy(medianOfRounds);
    const best = figuresBy(bestOfRounds);
    const bestRoundTargets = performanceTargets(best, ', best rounds');
    const unknownKid = await checkUnknownKidSingleFlight(jwks, [keys.es384.jwk, keys.es256.jwk, keys.rotatedIn.jwk], apps.get('logto-module')!, driver, files.rotatedIn);
    await Promise.all([...apps.values()].map((app) => app.stop()));
    apps.clear();
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
    console.log(`\n${formatTargets(targets)}\n\n${formatTargets(bestRoundTargets)}`);
    console.log(`\n${formatMissBreakdown(missBreakdown)}`);
    console.log(`\ncache hit alone: ${JSON.stringify(cacheLookup)}\nunknown kid: ${JSON.stringify(unknownKid)}\nmemory: ${JSON.stringify(memory)}`);
    const after = machine();
    const results = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      mode: quick ? 'quick' : 'full',
      settings: { ...SETTINGS, connections: CONNECTIONS, adapter: 'express', pinning: PINNING, eventLoopDelayResolutionMs: 1 },
      machine: { ...before, loadAverageBefore: before.loadAverage, loadAverageAfter: after.loadAverage },
      rows: Object.fromEntries(ROWS.map((row) => [row.id, { label: row.label, ...medians[row.id], bestRound: best[row.id], rounds: samples.get(row.id) }])),
      serialBound: bounds,
      stackCost: stack,
      targets,
      bestRoundTargets,
      cacheLookup,
      missBreakdown,
      unknownKid,
      memory,
    };
    writeFileSync(join(__dirname, '../../../bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\n${formatMarkdown(rows, [...targets, ...bestRoundTargets])}\n\nwrote bench/results.json`);
  } finally {
    await Promise.all([...apps.values()].map((app) => app.stop()));
    driver.stop();
    await fixture.close();
  }

  async function measureRow(row: Row, app: AppProcess): Promise<RowFigures> {
    const tokensFile = row.tokens === 'pool' ? files.pool : files.repeated;
    const load = async (duration: number) => {
      const cursor = cursors.get(row.app!) ?? 0;
      const result = await driver.run({ url: app.url(row.path), mode: row.tokens!, tokensFile, cursor, connections: CONNECTIONS, duration });
      cursors.set(row.app!, (cursor + result.tokensUsed) % SETTINGS.poolSize);
      return result;
    };
    // A full collection first: the garbage of the app's previous row (a miss row's cache churn) is not
    // collected on this row's time. This row's own garbage is, during its warm-up and its window.
    await app.heapUsed();
    await load(SETTINGS.warmupSeconds);
    const before = await app.counters(); // also resets the app's event-loop delay histogram
    const result = await load(SETTINGS.seconds);
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
    `synchronously (8a - 8b, the stack's way) + ${us(cost.remainderOverJose)} of the rest (ours beyond the signature, 4 - 8a: ` +
    `${us(cost.oursBeyondSignature)}; jose's, 6b - 8b: ${us(cost.joseBeyondSignature)})`
  );
}

const run = process.argv.includes('--profile') ? profileMain : main;
void run().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

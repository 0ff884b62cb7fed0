import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchAppName } from './apps/bench-app-config';
import { AppProcess, LoadDriver, PINNING } from './children';
import { startFixture } from './fixture';
import { CpuProfile, formatProfileSummary, summariseProfile } from './profile-summary';
import { machine } from './report';

const PROFILE_DIR = join(__dirname, '../../../bench/profiles');
const APPS: readonly BenchAppName[] = ['logto-module', 'jose-guard'];
const WINDOWS = [
  { name: 'hits', tokens: 'repeated', what: 'one repeated token' },
  { name: 'misses', tokens: 'pool', what: 'a new token every request' },
] as const;
/** `--profile-seconds=N` (default 4): the length of each profiled window. */
const secondsArgument = process.argv.find((arg) => arg.startsWith('--profile-seconds='));
const SECONDS = secondsArgument ? Number(secondsArgument.slice('--profile-seconds='.length)) : 4;
const WARMUP_SECONDS = 1;
// A sample every 250 µs: a few thousand per second, enough for a window of a few seconds.
const SAMPLING_INTERVAL_MICROSECONDS = 250;
const POOL_SIZE = 3_000;
const CACHE_MAX_ENTRIES = 1_000;
const CONNECTIONS = 50;

/**
 * `npm run bench -- --profile`: the module's app and the jose guard's, each profiled (the V8 sampling
 * profiler, started and stopped inside the app over IPC, so start-up and warm-up are left out) over a
 * window of cache hits and a window of misses; each profile is written to bench/profiles/ and
 * summarised (top self-time functions, time by origin) into bench/profiles/summary.md.
 */
export async function profileMain(): Promise<void> {
  const host = machine();
  console.log(`nestjs-logto bench --profile: ${SECONDS} s per window, ${host.cores} cores, Node ${host.node}, load ${host.loadAverage.join(' ')}`);
  mkdirSync(PROFILE_DIR, { recursive: true });
  const fixture = await startFixture({ poolSize: POOL_SIZE });
  const driver = new LoadDriver();
  const apps = new Map<BenchAppName, AppProcess>();
  const sections: string[] = [];
  try {
    for (const name of APPS) apps.set(name, await AppProcess.start(fixture.config(name, CACHE_MAX_ENTRIES)));
    for (const name of APPS) {
      const app = apps.get(name)!;
      let cursor = 0;
      for (const window of WINDOWS) {
        const load = async (duration: number) => {
          const tokensFile = window.tokens === 'pool' ? fixture.files.pool : fixture.files.repeated;
          const result = await driver.run({ url: app.url(), mode: window.tokens, tokensFile, cursor, connections: CONNECTIONS, duration });
          cursor = (cursor + result.tokensUsed) % POOL_SIZE;
          return result;
        };
        await load(WARMUP_SECONDS);
        const file = join(PROFILE_DIR, `${name}-${window.name}.cpuprofile`);
        const before = await app.counters();
        await app.startProfile(SAMPLING_INTERVAL_MICROSECONDS);
        const result = await load(SECONDS);
        await app.stopProfile(file);
        const after = await app.counters();
        const summary = summariseProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, result.requests);
        const cpu = (after.cpuMicroseconds - before.cpuMicroseconds) / result.requests;
        const figures =
          `Under the profiler: ${result.requestsPerSecond.toFixed(0)} req/s, app CPU ${cpu.toFixed(0)} µs per request, ` +
          `event-loop delay p99 ${after.eventLoopDelay.p99Ms.toFixed(2)} ms, ${result.non2xx + result.errors} non-2xx. Profile: \`bench/profiles/${name}-${window.name}.cpuprofile\`.`;
        sections.push(`${formatProfileSummary(`${name}, ${window.name} (${window.what})`, summary)}\n\n${figures}`);
        console.log(`profiled ${name}, ${window.name}: ${result.requests} requests`);
      }
    }
  } finally {
    await Promise.all([...apps.values()].map((app) => app.stop()));
    driver.stop();
    await fixture.close();
  }
  const markdown = [
    `## CPU profiles (\`npm run bench -- --profile\`, ${new Date().toISOString()})`,
    '',
    `${host.cores} cores, ${host.cpuModel}, Node ${host.node}, load ${host.loadAverage.join(' ')}; ` +
      `${PINNING ? `apps pinned to cpu ${PINNING.appCore}` : 'no CPU pinning'}; ${CONNECTIONS} connections; ${SECONDS} s per window after ${WARMUP_SECONDS} s of warm-up; ` +
      `one sample every ${SAMPLING_INTERVAL_MICROSECONDS} µs. The profiler samples the main thread's wall-clock time: % is of all sampled time ` +
      "(idle included), µs/req is self time / requests of the window. With the app pinned to one core, time another thread of the app " +
      "holds that core (libuv's thread pool: jose's WebCrypto verification) lands in the native function that handed it the work (`run`). " +
      'The profiler itself slows the app: compare the figures below with each other, not with the bench table.',
    '',
    ...sections.flatMap((section) => [section, '']),
  ].join('\n');
  writeFileSync(join(PROFILE_DIR, 'summary.md'), markdown);
  console.log(`\n${markdown}\nwrote bench/profiles/summary.md`);
}

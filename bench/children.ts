import { ChildProcess, execFileSync, fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { BENCH_PATH, BenchAppConfig } from './apps/bench-app-config';
import { AppReply, AppRequest, LoadRequest, LoadResult } from './ipc';
import { SignJob } from './sign-worker';
import type { MissBreakdown, MissBreakdownJob } from './miss-breakdown';

const here = __dirname;

/**
 * CPU pinning (Linux `taskset`): the apps under test share one core, the load driver another, so every
 * row is measured on exactly one core. It matters: jose verifies with WebCrypto, which runs on libuv's
 * thread pool and, unpinned, would borrow the driver's core. Null when it is not possible.
 */
export const PINNING = choosePinning();

function choosePinning(): { readonly appCore: number; readonly driverCore: number } | null {
  if (process.argv.includes('--no-pin') || process.platform !== 'linux' || availableParallelism() < 2) return null;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
  } catch {
    return null;
  }
  return { appCore: availableParallelism() - 1, driverCore: 0 };
}

// -a: every thread of the process; threads started later (the thread pool) inherit the mask.
function pin(child: ChildProcess, core: number | undefined): void {
  if (core === undefined || child.pid === undefined) return;
  execFileSync('taskset', ['-a', '-c', '-p', String(core), String(child.pid)], { stdio: 'ignore' });
}

/** `--perf-basic-prof` turns V8's log on: it goes beside the callgrind dump, not into the working directory. */
export const v8LogFile = (callgrindOut: string): string => `${callgrindOut}.v8.log`;

/** Sends one message and waits for the first reply of the expected type. */
function ask<T extends { type: string }>(child: ChildProcess, message: object, replyType: T['type']): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: T) => {
      if (reply.type !== replyType) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(reply);
    };
    const onExit = (code: number | null) => reject(new Error(`child ${child.pid} exited (${code}) before answering`));
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send(message);
  });
}

/** An app under test in its own process; `--expose-gc` so the memory check can measure live heap. */
export class AppProcess {
  private constructor(
    private readonly child: ChildProcess,
    /** `http://127.0.0.1:<port>`, no path. */
    readonly origin: string,
  ) {}

  /** The process id (under callgrind, valgrind's: the same process, so node's perf map is named after it). */
  get pid(): number {
    return this.child.pid!;
  }

  /** The address of one of the app's routes (`GET /documents` by default). */
  url(path: string = BENCH_PATH): string {
    return `${this.origin}${path}`;
  }

  /**
   * `cpuProfileDir`: run the app under `node --cpu-prof`; the profile is written when it stops. `callgrindOut`:
   * run it under valgrind's callgrind (about 50 times slower), writing there, with node's perf map of its JIT code.
   */
  static async start(config: BenchAppConfig, cpuProfileDir?: string, callgrindOut?: string): Promise<AppProcess> {
    const profile = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`, `--cpu-prof-name=${config.app}.cpuprofile`] : [];
    const runner = callgrindOut
      ? { execPath: 'valgrind', execArgv: ['--tool=callgrind', '-q', `--callgrind-out-file=${callgrindOut}`, process.execPath, '--perf-basic-prof', '--no-logfile-per-isolate', `--logfile=${v8LogFile(callgrindOut)}`, '--expose-gc'] }
      : { execArgv: ['--expose-gc', ...profile] };
    const child = fork(join(here, 'app-child.js'), [], {
      execPath: runner.execPath,
      execArgv: runner.execArgv,
      // Its own session, so its own scheduling group (Linux autogroup): two apps sharing the core in a paired
      // window get half of it each, however many threads each runs (jose's WebCrypto uses libuv's pool).
      detached: true,
      env: { ...process.env, BENCH_APP_CONFIG: JSON.stringify(config), BENCH_UNDER_CALLGRIND: callgrindOut ? '1' : '' },
    });
    pin(child, PINNING?.appCore);
    const ready = await new Promise<AppReply & { type: 'ready' }>((resolve, reject) => {
      child.once('message', (reply: AppReply) => (reply.type === 'ready' ? resolve(reply) : reject(new Error('bad reply'))));
      child.once('exit', (code) => reject(new Error(`${config.app} app exited (${code}) during start-up`)));
    });
    return new AppProcess(child, `http://127.0.0.1:${ready.port}`);
  }

  async heapUsed(): Promise<number> {
    return (await ask<AppReply & { type: 'heap' }>(this.child, { type: 'heap' } satisfies AppRequest, 'heap')).heapUsed;
  }

  /** CPU time, the module's counters, and the event-loop delay since the previous call (which it resets). */
  counters(): Promise<AppReply & { type: 'counters' }> {
    return ask(this.child, { type: 'counters' } satisfies AppRequest, 'counters');
  }

  /** Starts the app's own V8 profiler (`node:inspector`), so a profile covers a measured window only. */
  async startProfile(intervalMicroseconds: number): Promise<void> {
    await ask(this.child, { type: 'profile-start', intervalMicroseconds } satisfies AppRequest, 'profile-started');
  }

  /** Stops it; the app writes the `.cpuprofile` to `file`. */
  async stopProfile(file: string): Promise<void> {
    await ask(this.child, { type: 'profile-stop', file } satisfies AppRequest, 'profile-stopped');
  }

  /** Closes the app and waits for its exit (a profile is written only on a normal exit). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'close' } satisfies AppRequest);
    const timer = setTimeout(() => this.child.kill(), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

/** The autocannon process: one load at a time. */
export class LoadDriver {
  private readonly child = fork(join(here, 'load-driver.js'));

  constructor() {
    pin(this.child, PINNING?.driverCore);
  }

  run(request: Omit<LoadRequest, 'type'>): Promise<LoadResult> {
    return ask<LoadResult>(this.child, { type: 'load', ...request }, 'loaded');
  }

  stop(): void {
    this.child.kill();
  }
}

/** The core-speed probe (core-speed-probe.ts): a process pinned to the apps' core, asked between windows. */
export class CoreSpeedProbe {
  private readonly child = fork(join(here, 'core-speed-probe.js'));

  constructor() {
    pin(this.child, PINNING?.appCore);
  }

  /** µs per ES384 verification on the apps' core, now (the median of a few batches). */
  async microsecondsPerVerify(): Promise<number> {
    return (await ask<{ type: 'core-speed'; microsecondsPerVerify: number }>(this.child, { type: 'probe' }, 'core-speed')).microsecondsPerVerify;
  }

  stop(): void {
    this.child.kill();
  }
}

export interface CryptoLimit {
  readonly verifiesPerSecond: number;
  readonly verifiesPerCpuSecond: number;
  readonly p50: number;
  readonly p99: number;
}

/** Runs one measurement `job` in a fresh child process (`script` in this folder) pinned to the apps' core. */
function measureInPinnedChild<Result>(script: string, job: object): Promise<Result> {
  const child = fork(join(here, script));
  pin(child, PINNING?.appCore);
  return new Promise((resolve, reject) => {
    child.once('message', (result: Result) => resolve(result));
    child.once('exit', (code) => code !== 0 && reject(new Error(`${script} exited (${code})`)));
    child.send(job);
  });
}

/** Row 7, the physical limit (see crypto-limit.ts). */
export function measureCryptoLimit(durationSeconds: number, privateKeyPem: string, signingInput: string): Promise<CryptoLimit> {
  return measureInPinnedChild('crypto-limit.js', { durationSeconds, privateKeyPem, signingInput });
}

/** The miss breakdown (see miss-breakdown.ts). */
export function measureMissBreakdown(job: MissBreakdownJob): Promise<MissBreakdown> {
  return measureInPinnedChild('miss-breakdown.js', job);
}

/** Signs `count` distinct tokens on all cores (signing is not what is measured; it only has to be done). */
export async function signTokens(job: Omit<SignJob, 'first' | 'count'>, count: number): Promise<string[]> {
  const workers = Math.max(1, Math.min(availableParallelism(), 4));
  const slice = Math.ceil(count / workers);
  const parts = await Promise.all(
    Array.from({ length: workers }, (_, i) => {
      const first = i * slice;
      const workerData: SignJob = { ...job, first, count: Math.max(0, Math.min(slice, count - first)) };
      return new Promise<string[]>((resolve, reject) => {
        const worker = new Worker(join(here, 'sign-worker.js'), { workerData });
        worker.once('message', resolve);
        worker.once('error', reject);
      });
    }),
  );
  return parts.flat();
}

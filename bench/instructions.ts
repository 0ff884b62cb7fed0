import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchAppName } from './apps/bench-app-config';
import { parsePerfMap, readCallgrindDump } from './callgrind-profile';
import { AppProcess, LoadDriver, v8LogFile } from './children';
import { Fixture } from './fixture';

/** Nest's guard step of a request: `GuardsConsumer.tryActivate`, every global guard's `canActivate` inside. */
const GUARD_STEP = /tryActivate .*guards-consumer\.js/;

export interface InstructionFigures {
  readonly app: BenchAppName;
  readonly requests: number;
  /** Every instruction of the app process per request, over the measured requests. */
  readonly perRequest: number;
  /** Those of Nest's guard step (the guard's own work, with whatever it calls) per request. */
  readonly guardStepPerRequest: number;
}

/**
 * Instructions per request of each app under callgrind, the repeated token on `GET /documents`: `warmup`
 * requests, then callgrind's counters are zeroed, `requests` more are measured and dumped. One connection, so
 * that each turn of the event loop serves one request (with more, the whole process's count follows timing).
 * Unlike CPU time, untouched by a slow core or another process. Null when valgrind is not installed.
 */
export async function measureInstructions(
  fixture: Fixture,
  driver: LoadDriver,
  apps: readonly BenchAppName[],
  warmup: number,
  requests: number,
): Promise<InstructionFigures[] | null> {
  if (!hasCallgrind()) return null;
  const figures: InstructionFigures[] = [];
  for (const name of apps) {
    const out = join(tmpdir(), `nestjs-logto-bench-${name}-${process.pid}.callgrind`);
    const app = await AppProcess.start(fixture.config(name, 10_000), undefined, out);
    const perfMap = `/tmp/perf-${app.pid}.map`;
    try {
      const load = (amount: number) => driver.run({ url: app.url(), mode: 'repeated', tokensFile: fixture.files.repeated, cursor: 0, connections: 1, amount });
      await load(warmup);
      execFileSync('callgrind_control', ['--zero', String(app.pid)], { stdio: 'ignore' });
      const measured = await load(requests);
      execFileSync('callgrind_control', ['--dump', String(app.pid)], { stdio: 'ignore' });
      if (measured.non2xx + measured.errors > 0) throw new Error(`${name} under callgrind: ${measured.non2xx + measured.errors} requests failed`);
      const dump = readCallgrindDump(readFileSync(`${out}.1`, 'utf8'), parsePerfMap(readFileSync(perfMap, 'utf8')), GUARD_STEP);
      if (dump.matchedNames.length === 0) throw new Error(`${name} under callgrind: no guard step (${GUARD_STEP}) in the dump`);
      figures.push({ app: name, requests: measured.requests, perRequest: dump.total / measured.requests, guardStepPerRequest: dump.matched / measured.requests });
    } finally {
      await app.stop();
      for (const file of [out, `${out}.1`, v8LogFile(out), perfMap]) rmSync(file, { force: true });
    }
  }
  return figures;
}

function hasCallgrind(): boolean {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function formatInstructions(figures: readonly InstructionFigures[] | null): string {
  if (figures === null) return 'instructions per request: valgrind not installed, not measured';
  const k = (value: number) => `${(value / 1000).toFixed(1)}k`;
  return [
    'instructions per request under callgrind (repeated token; guard step = Nest\'s GuardsConsumer.tryActivate with the guard inside):',
    ...figures.map((f) => `  ${f.app.padEnd(18)} ${k(f.perRequest).padStart(7)} per request, guard step ${k(f.guardStepPerRequest).padStart(6)} (${f.requests} requests)`),
  ].join('\n');
}

import { cpus, loadavg } from 'node:os';

export interface RowFigures {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  /** Summed over the rounds; must be 0. Null for the crypto row. */
  readonly non2xx: number | null;
  /** Logto module rows: full verifications per request (0 = all cache hits, 1 = all misses). */
  readonly fullVerificationsPerRequest?: number;
  /** CPU time the app process spent per request (steadier than req/s on a shared machine). */
  readonly cpuMicrosecondsPerRequest?: number;
  /** The crypto row: verifications per second of CPU received (wall-clock figures suffer on a shared machine). */
  readonly verifiesPerCpuSecond?: number;
  /** App rows: p99 of the app's event-loop delay during the measured window, in ms (see `EventLoopDelay`). */
  readonly eventLoopDelayP99Ms?: number;
  /** µs per ES384 verification of the core-speed probe on the apps' core, the slower of before and after the window (see core-speed.ts). */
  readonly coreSpeedMicroseconds?: number;
}

export interface Target {
  readonly name: string;
  readonly value: number;
  /** How `value` must compare with `target`. */
  readonly rule: '>=' | '<=' | '=';
  readonly target: number;
  readonly unit: string;
  readonly met: boolean;
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export const atLeast = (name: string, value: number, target: number, unit = 'x'): Target => ({
  name,
  value,
  rule: '>=',
  target,
  unit,
  met: value >= target,
});

export const atMost = (name: string, value: number, target: number, unit: string): Target => ({
  name,
  value,
  rule: '<=',
  target,
  unit,
  met: value <= target,
});

type Reduce = (values: readonly number[]) => number;
const most: Reduce = (values) => Math.max(...values);
const least: Reduce = (values) => Math.min(...values);

/** One figure of every round reduced to one, or undefined when no round has it. */
function reduceRounds(rounds: readonly RowFigures[], pick: (r: RowFigures) => number | undefined, reduce: Reduce): number | undefined {
  const values = rounds.map(pick).filter((v): v is number => v !== undefined);
  return values.length > 0 ? reduce(values) : undefined;
}

/** Reduces each figure of the rounds with its own function; non-2xx are summed; absent figures stay absent. */
function reduceFigures(rounds: readonly RowFigures[], reducers: Record<Exclude<keyof RowFigures, 'non2xx'>, Reduce>): RowFigures {
  const figures: Record<string, number | null> = { non2xx: rounds[0].non2xx === null ? null : rounds.reduce((sum, r) => sum + (r.non2xx ?? 0), 0) };
  for (const [key, reduce] of Object.entries(reducers) as [Exclude<keyof RowFigures, 'non2xx'>, Reduce][]) {
    const value = reduceRounds(rounds, (r) => r[key], reduce);
    if (value !== undefined) figures[key] = value;
  }
  return figures as unknown as RowFigures;
}

/** A row's figures over its rounds: the median of each figure. */
export const medianOfRounds = (rounds: readonly RowFigures[]): RowFigures =>
  reduceFigures(rounds, {
    requestsPerSecond: median,
    p50: median,
    p99: median,
    cpuMicrosecondsPerRequest: median,
    verifiesPerCpuSecond: median,
    eventLoopDelayP99Ms: median,
    fullVerificationsPerRequest: median,
    coreSpeedMicroseconds: median,
  });

/**
 * A row's best round, figure by figure (on a shared machine other load only ever makes a round worse,
 * so the best round is the least disturbed): the most requests/s and verifications per CPU second, the
 * least CPU per request, latency and event-loop delay.
 */
export const bestOfRounds = (rounds: readonly RowFigures[]): RowFigures =>
  reduceFigures(rounds, {
    requestsPerSecond: most,
    p50: least,
    p99: least,
    cpuMicrosecondsPerRequest: least,
    verifiesPerCpuSecond: most,
    eventLoopDelayP99Ms: least,
    fullVerificationsPerRequest: median,
    coreSpeedMicroseconds: least,
  });

export function machine() {
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: loadavg().map((load) => Number(load.toFixed(2))),
  };
}

const pad = (text: string, width: number, right = false) => (right ? text.padStart(width) : text.padEnd(width));
const fixed = (value: number, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const LABEL_WIDTH = 62;
const cpuOf = (f: RowFigures) => f.cpuMicrosecondsPerRequest ?? 1e6 / (f.verifiesPerCpuSecond ?? NaN);
const loopOf = (f: RowFigures) => (f.eventLoopDelayP99Ms === undefined ? '-' : fixed(f.eventLoopDelayP99Ms, 2));
const verificationsOf = (f: RowFigures) => (f.fullVerificationsPerRequest === undefined ? '' : fixed(f.fullVerificationsPerRequest, 3));

export function formatTable(rows: readonly { label: string; figures: RowFigures }[]): string {
  const header = [pad('row', LABEL_WIDTH), pad('req/s', 9, true), pad('p50 ms', 8, true), pad('p99 ms', 8, true), pad('non-2xx', 8, true), pad('CPU us/req', 10, true), pad('loop p99 ms', 11, true), pad('verif/req', 10, true)];
  const lines = [header.join(' | ')];
  lines.push(header.map((cell) => '-'.repeat(cell.length)).join('-|-'));
  for (const { label, figures } of rows) {
    lines.push(
      [
        pad(label, LABEL_WIDTH),
        pad(fixed(figures.requestsPerSecond), 9, true),
        pad(fixed(figures.p50, 2), 8, true),
        pad(fixed(figures.p99, 2), 8, true),
        pad(figures.non2xx === null ? '-' : String(figures.non2xx), 8, true),
        pad(fixed(cpuOf(figures), 0), 10, true),
        pad(loopOf(figures), 11, true),
        pad(verificationsOf(figures), 10, true),
      ].join(' | '),
    );
  }
  return lines.join('\n');
}

export function formatTargets(targets: readonly Target[]): string {
  return targets
    .map((t) => `${t.met ? 'MET   ' : 'MISSED'} ${pad(t.name, 78)} ${fixed(t.value, 2)}${t.unit} (target ${t.rule} ${fixed(t.target, 2)}${t.unit})`)
    .join('\n');
}

/** The same table as Markdown, for the README. */
export function formatMarkdown(rows: readonly { label: string; figures: RowFigures }[], targets: readonly Target[]): string {
  const lines = [
    '| row | req/s | p50 ms | p99 ms | non-2xx | app CPU µs per request | event-loop delay p99 ms | full verifications per request |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { label, figures: f } of rows) {
    lines.push(`| ${label} | ${fixed(f.requestsPerSecond)} | ${fixed(f.p50, 2)} | ${fixed(f.p99, 2)} | ${f.non2xx ?? '-'} | ${fixed(cpuOf(f), 0)} | ${loopOf(f)} | ${verificationsOf(f)} |`);
  }
  lines.push('', '| target | measured | required | |', '|---|---:|---:|---|');
  for (const t of targets) lines.push(`| ${t.name} | ${fixed(t.value, 2)}${t.unit} | ${t.rule} ${fixed(t.target, 2)}${t.unit} | ${t.met ? 'met' : '**missed**'} |`);
  return lines.join('\n');
}

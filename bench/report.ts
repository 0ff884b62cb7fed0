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

export function formatTable(rows: readonly { label: string; figures: RowFigures }[]): string {
  const header = [pad('row', 58), pad('req/s', 9, true), pad('p50 ms', 8, true), pad('p99 ms', 8, true), pad('non-2xx', 8, true), pad('CPU us/req', 10, true), pad('verif/req', 10, true)];
  const lines = [header.join(' | ')];
  lines.push(header.map((cell) => '-'.repeat(cell.length)).join('-|-'));
  for (const { label, figures } of rows) {
    lines.push(
      [
        pad(label, 58),
        pad(fixed(figures.requestsPerSecond), 9, true),
        pad(fixed(figures.p50, 2), 8, true),
        pad(fixed(figures.p99, 2), 8, true),
        pad(figures.non2xx === null ? '-' : String(figures.non2xx), 8, true),
        pad(fixed(figures.cpuMicrosecondsPerRequest ?? 1e6 / (figures.verifiesPerCpuSecond ?? NaN), 0), 10, true),
        pad(figures.fullVerificationsPerRequest === undefined ? '' : fixed(figures.fullVerificationsPerRequest, 3), 10, true),
      ].join(' | '),
    );
  }
  return lines.join('\n');
}

export function formatTargets(targets: readonly Target[]): string {
  return targets
    .map((t) => `${t.met ? 'MET   ' : 'MISSED'} ${pad(t.name, 62)} ${fixed(t.value, 2)}${t.unit} (target ${t.rule} ${fixed(t.target, 2)}${t.unit})`)
    .join('\n');
}

/** The same table as Markdown, for the README. */
export function formatMarkdown(rows: readonly { label: string; figures: RowFigures }[], targets: readonly Target[]): string {
  const lines = ['| row | req/s | p50 ms | p99 ms | non-2xx | app CPU µs per request | full verifications per request |', '|---|---:|---:|---:|---:|---:|---:|'];
  for (const { label, figures: f } of rows) {
    const perRequest = f.fullVerificationsPerRequest === undefined ? '' : fixed(f.fullVerificationsPerRequest, 3);
    const cpu = fixed(f.cpuMicrosecondsPerRequest ?? 1e6 / (f.verifiesPerCpuSecond ?? NaN), 0);
    lines.push(`| ${label} | ${fixed(f.requestsPerSecond)} | ${fixed(f.p50, 2)} | ${fixed(f.p99, 2)} | ${f.non2xx ?? '-'} | ${cpu} | ${perRequest} |`);
  }
  lines.push('', '| target | measured | required | |', '|---|---:|---:|---|');
  for (const t of targets) lines.push(`| ${t.name} | ${fixed(t.value, 2)}${t.unit} | ${t.rule} ${fixed(t.target, 2)}${t.unit} | ${t.met ? 'met' : '**missed**'} |`);
  return lines.join('\n');
}

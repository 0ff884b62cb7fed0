import { atLeast, atMost, median, Target } from './report';
import { RowId } from './targets';

/**
 * Paired windows: two rows measured at the same time on the apps' core, each app in its own process with half
 * the connections, so that both see the same machine. On this shared machine the speed of a core changes by
 * half from one minute to the next (see core-speed.ts), which rows measured one after the other cannot cancel;
 * two apps measured at once share whatever the core does. Each round gives one ratio; the bench reports the
 * median of the rounds' ratios and their range. A control pair (the module against a second instance of
 * itself, same route, same token) shows in every run how far from 1 the method itself reads.
 */
export interface Pair {
  readonly id: string;
  /** What the ratio says, as in the targets' names. */
  readonly name: string;
  readonly ours: RowId;
  readonly theirs: RowId;
  /** The least ratio (higher is better: req/s ours / theirs, CPU theirs / ours) the target asks; none for a control. */
  readonly atLeast?: number;
  /** The most µs of CPU per request ours may cost over theirs. */
  readonly gapAtMost?: number;
}

export const PAIRS: readonly Pair[] = [
  { id: 'control', name: 'control: repeated token vs the same app again (reads 1 if the method is exact)', ours: 'module-repeated', theirs: 'module-repeated' },
  { id: 'hits-empty-guard', name: 'repeated token vs empty guard', ours: 'module-repeated', theirs: 'empty-guard', atLeast: 0.95 },
  { id: 'handover', name: 'empty guard that sets request.user vs empty guard (what handing over the caller costs)', ours: 'empty-guard-user', theirs: 'empty-guard' },
  { id: 'hits-handover', name: 'repeated token vs empty guard that sets request.user', ours: 'module-repeated', theirs: 'empty-guard-user' },
  { id: 'hits-unguarded', name: 'repeated token vs unguarded route', ours: 'module-repeated', theirs: 'unguarded', atLeast: 0.9 },
  { id: 'scoped-unscoped', name: '@Scopes route vs unscoped route (same token)', ours: 'module-repeated', theirs: 'module-unscoped', atLeast: 0.97 },
  { id: 'new-jose', name: 'new token vs jose guard (new token)', ours: 'module-new', theirs: 'jose-new', atLeast: 0.95, gapAtMost: 40 },
  { id: 'signature-batched-pool', name: "signature alone: synchronous, one turn's checks together vs on the thread pool", ours: 'signature-batched', theirs: 'signature-async' },
  { id: 'signature-batched-sync', name: 'signature alone: synchronous, checks together vs one per request callback', ours: 'signature-batched', theirs: 'signature-sync' },
];

/** One paired window: each side's app CPU per request and req/s. */
export interface PairRound {
  readonly oursCpu: number;
  readonly theirsCpu: number;
  readonly oursRequestsPerSecond: number;
  readonly theirsRequestsPerSecond: number;
  readonly non2xx: number;
}

export interface PairFigures {
  readonly id: string;
  readonly name: string;
  /** Median over the rounds of CPU theirs / ours (higher is better for ours), and the least and most of them. */
  readonly cpuRatio: number;
  readonly cpuRatioRange: readonly [number, number];
  /** Median over the rounds of req/s ours / theirs. */
  readonly requestsPerSecondRatio: number;
  /** Median over the rounds of CPU ours − theirs, µs per request. */
  readonly cpuGapMicroseconds: number;
  readonly rounds: readonly PairRound[];
}

export function pairFigures(pair: Pair, rounds: readonly PairRound[]): PairFigures {
  const cpuRatios = rounds.map((r) => r.theirsCpu / r.oursCpu);
  return {
    id: pair.id,
    name: pair.name,
    cpuRatio: median(cpuRatios),
    cpuRatioRange: [Math.min(...cpuRatios), Math.max(...cpuRatios)],
    requestsPerSecondRatio: median(rounds.map((r) => r.oursRequestsPerSecond / r.theirsRequestsPerSecond)),
    cpuGapMicroseconds: median(rounds.map((r) => r.oursCpu - r.theirsCpu)),
    rounds,
  };
}

/** The targets the pairs can judge, on the medians of their rounds' ratios (named `…, paired`). */
export function pairedTargets(figures: readonly PairFigures[]): Target[] {
  return PAIRS.flatMap((pair) => {
    const f = figures.find((candidate) => candidate.id === pair.id);
    if (!f) return [];
    const targets: Target[] = [];
    if (pair.atLeast !== undefined) {
      targets.push(atLeast(`${pair.name} [req/s], paired`, f.requestsPerSecondRatio, pair.atLeast));
      targets.push(atLeast(`${pair.name} [CPU], paired`, f.cpuRatio, pair.atLeast));
    }
    if (pair.gapAtMost !== undefined) targets.push(atMost(`miss cost over jose guard's, µs per request [CPU], paired`, f.cpuGapMicroseconds, pair.gapAtMost, ' µs'));
    return targets;
  });
}

export function formatPairs(figures: readonly PairFigures[]): string {
  const lines = ['paired windows (two apps on the apps\' core at once; medians of the rounds):'];
  for (const f of figures) {
    const last = f.rounds.length - 1;
    const cpuOf = (side: 'oursCpu' | 'theirsCpu') => median(f.rounds.map((r) => r[side])).toFixed(0);
    lines.push(
      `  ${f.name}: CPU ${f.cpuRatio.toFixed(3)}x (rounds ${f.cpuRatioRange[0].toFixed(3)}-${f.cpuRatioRange[1].toFixed(3)}; ${cpuOf('oursCpu')} vs ${cpuOf('theirsCpu')} us, ` +
        `ours ${f.cpuGapMicroseconds >= 0 ? '+' : ''}${f.cpuGapMicroseconds.toFixed(0)} us), req/s ${f.requestsPerSecondRatio.toFixed(3)}x, ${last + 1} rounds`,
    );
  }
  return lines.join('\n');
}

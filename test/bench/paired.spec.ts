import { describe, expect, it } from 'vitest';
import { formatPairs, PAIRS, pairedTargets, pairFigures, PairRound } from '../../bench/paired';

const round = (oursCpu: number, theirsCpu: number, oursRequestsPerSecond: number, theirsRequestsPerSecond: number): PairRound => ({
  oursCpu,
  theirsCpu,
  oursRequestsPerSecond,
  theirsRequestsPerSecond,
  non2xx: 0,
});
const pairNamed = (id: string) => PAIRS.find((pair) => pair.id === id)!;

describe('paired windows of npm run bench', () => {
  // The core ran at three speeds over these rounds; each round's ratio does not see it.
  const rounds = [round(1_000, 950, 500, 520), round(2_000, 1_880, 250, 270), round(1_500, 1_440, 330, 345)];

  it('reduces each round to its ratio first, then takes the median of the ratios, with their range', () => {
    const figures = pairFigures(pairNamed('new-jose'), rounds);
    expect(figures.cpuRatio).toBeCloseTo(0.95, 10); // rounds 0.95, 0.94, 0.96
    expect(figures.cpuRatioRange).toEqual([0.94, 0.96]);
    expect(figures.requestsPerSecondRatio).toBeCloseTo(330 / 345, 10); // rounds 0.962, 0.926, 0.957
    expect(figures.cpuGapMicroseconds).toBe(60); // rounds 50, 120, 60
  });

  it('judges the targets on the paired medians, and none on the control', () => {
    const figures = PAIRS.map((pair) => pairFigures(pair, rounds));
    const targets = pairedTargets(figures);
    expect(targets.map((t) => t.name)).toEqual([
      'repeated token vs empty guard [req/s], paired',
      'repeated token vs empty guard [CPU], paired',
      'repeated token vs unguarded route [req/s], paired',
      'repeated token vs unguarded route [CPU], paired',
      '@Scopes route vs unscoped route (same token) [req/s], paired',
      '@Scopes route vs unscoped route (same token) [CPU], paired',
      'new token vs jose guard (new token) [req/s], paired',
      'new token vs jose guard (new token) [CPU], paired',
      "miss cost over jose guard's, µs per request [CPU], paired",
    ]);
    const byName = (name: string) => targets.find((t) => t.name === name)!;
    expect(byName('new token vs jose guard (new token) [CPU], paired')).toMatchObject({ target: 0.95, rule: '>=', met: true });
    expect(byName('repeated token vs unguarded route [CPU], paired')).toMatchObject({ target: 0.9, met: true });
    expect(byName('@Scopes route vs unscoped route (same token) [CPU], paired')).toMatchObject({ target: 0.97, met: false });
    expect(byName("miss cost over jose guard's, µs per request [CPU], paired")).toMatchObject({ value: 60, target: 40, rule: '<=', met: false });
  });

  it('prints every pair with its ratio, range and CPU figures', () => {
    const text = formatPairs([pairFigures(pairNamed('control'), [round(500, 505, 1_000, 990)])]);
    expect(text).toContain('control: repeated token vs the same app again');
    expect(text).toContain('CPU 1.010x (rounds 1.010-1.010; 500 vs 505 us, ours -5 us), req/s 1.010x, 1 rounds');
  });
});

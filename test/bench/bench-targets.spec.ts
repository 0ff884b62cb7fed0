import { describe, expect, it } from 'vitest';
import { bestOfRounds, formatMarkdown, formatTable, formatTargets, medianOfRounds, RowFigures } from '../../bench/report';
import { Figures, performanceTargets, serialBound, stackCost } from '../../bench/targets';

const row = (requestsPerSecond: number, cpuMicrosecondsPerRequest: number, extra: Partial<RowFigures> = {}): RowFigures => ({
  requestsPerSecond,
  cpuMicrosecondsPerRequest,
  p50: 5,
  p99: 20,
  non2xx: 0,
  ...extra,
});

// Round figures, so that every ratio below can be checked by hand.
const FIGURES: Figures = {
  unguarded: row(10_000, 100),
  'empty-guard': row(9_800, 102),
  'empty-guard-user': row(9_500, 105),
  'module-repeated': row(9_000, 112),
  'module-unscoped': row(9_100, 110),
  'module-new': row(1_400, 700, { eventLoopDelayP99Ms: 3.5 }),
  'recipe-repeated': row(1_000, 950),
  'recipe-new': row(1_000, 980),
  'jose-repeated': row(1_500, 660),
  'jose-new': row(1_500, 650),
  'es384-limit': { requestsPerSecond: 1_900, p50: 0.5, p99: 0.7, non2xx: null, verifiesPerCpuSecond: 2_000 },
  'signature-sync': row(1_600, 620),
  'signature-async': row(1_800, 560),
  'signature-batched': row(1_700, 590),
};

const targetNamed = (targets: ReturnType<typeof performanceTargets>, name: string) => {
  const found = targets.find((t) => t.name === name);
  if (!found) throw new Error(`no target named ${name}: ${targets.map((t) => t.name).join(', ')}`);
  return found;
};

describe("where a miss's cost over the jose guard's goes", () => {
  it("splits it into the synchronous signature check as this module runs it (8c - 8b) and the rest (ours beyond 8c against jose's beyond 8b)", () => {
    expect(stackCost(FIGURES)).toEqual({
      gapOverJose: 50, // 700 - 650
      synchronousSignature: 30, // 590 - 560
      oursBeyondSignature: 110, // 700 - 590
      joseBeyondSignature: 90, // 650 - 560
      remainderOverJose: 20,
      batchingSaves: 30, // 620 - 590
    });
  });

  it('adds up: the gap is the synchronous check plus the remainder, whatever the figures', () => {
    const cost = stackCost({ ...FIGURES, 'module-new': row(1_000, 1_291), 'jose-new': row(1_200, 1_042), 'signature-batched': row(1_100, 965), 'signature-async': row(1_250, 852) });
    expect(cost.synchronousSignature).toBe(113);
    expect(cost.oursBeyondSignature).toBe(326);
    expect(cost.joseBeyondSignature).toBe(190);
    expect(cost.remainderOverJose).toBe(136);
    expect(cost.gapOverJose).toBe(cost.synchronousSignature + cost.remainderOverJose);
  });

  it('refuses rows without a CPU figure', () => {
    expect(() => stackCost({ ...FIGURES, 'signature-batched': { requestsPerSecond: 1, p50: 1, p99: 1, non2xx: 0 } })).toThrow('row signature-batched has no CPU figure');
  });
});

describe('the serial bound of a miss', () => {
  it('adds one ES384 verification (1e6 / verifications per CPU second) to the unguarded route CPU per request', () => {
    const bound = serialBound(FIGURES);
    expect(bound.httpMicroseconds).toBe(100);
    expect(bound.verifyMicroseconds).toBe(500);
    expect(bound.cpuMicrosecondsPerRequest).toBe(600);
    expect(bound.requestsPerSecond).toBeCloseTo(1e6 / 600, 6);
  });

  it('gives each new-token row as row req/s / bound req/s and bound CPU / row CPU', () => {
    const { rows } = serialBound(FIGURES);
    expect(rows['module-new'].requestsPerSecond).toBeCloseTo(1_400 / (1e6 / 600), 6);
    expect(rows['module-new'].cpu).toBeCloseTo(600 / 700, 6);
    expect(rows['recipe-new'].cpu).toBeCloseTo(600 / 980, 6);
    expect(rows['jose-new'].requestsPerSecond).toBeCloseTo(0.9, 6);
  });

  it('refuses figures without the crypto row rate', () => {
    const { verifiesPerCpuSecond: _, ...limit } = FIGURES['es384-limit'];
    expect(() => serialBound({ ...FIGURES, 'es384-limit': limit })).toThrow(/es384-limit/);
  });
});

describe('the performance targets', () => {
  const targets = performanceTargets(FIGURES);

  it('judges every target on req/s and on app CPU per request', () => {
    const names = targets.map((t) => t.name);
    for (const name of names) {
      expect(name).toMatch(/ \[(req\/s|CPU)\]$/);
      const other = name.endsWith('[req/s]') ? name.replace('[req/s]', '[CPU]') : name.replace('[CPU]', '[req/s]');
      expect(names).toContain(other);
    }
    expect(names).toHaveLength(18); // 9 targets, each on both measures
  });

  it('reads CPU ratios as theirs / ours, so that higher is better on both measures', () => {
    const rps = targetNamed(targets, 'repeated token vs empty guard [req/s]');
    const cpu = targetNamed(targets, 'repeated token vs empty guard [CPU]');
    expect(rps.value).toBeCloseTo(9_000 / 9_800, 9);
    expect(cpu.value).toBeCloseTo(102 / 112, 9);
    expect([rps.rule, rps.target, rps.met, cpu.met]).toEqual(['>=', 0.95, false, false]);
  });

  it('meets a ratio exactly at its target', () => {
    const rps = targetNamed(targets, 'repeated token vs unguarded route [req/s]');
    expect([rps.value, rps.target, rps.met]).toEqual([0.9, 0.9, true]);
    expect(targetNamed(targets, 'repeated token vs unguarded route [CPU]')).toMatchObject({ value: 100 / 112, met: false });
  });

  it('holds the @Scopes route within 3% of the unscoped route', () => {
    expect(targetNamed(targets, '@Scopes route vs unscoped route (same token) [req/s]')).toMatchObject({ value: 9_000 / 9_100, target: 0.97, met: true });
    expect(targetNamed(targets, '@Scopes route vs unscoped route (same token) [CPU]')).toMatchObject({ value: 110 / 112, met: true });
    const slower = performanceTargets({ ...FIGURES, 'module-repeated': row(8_700, 114) });
    expect(targetNamed(slower, '@Scopes route vs unscoped route (same token) [req/s]').met).toBe(false);
    expect(targetNamed(slower, '@Scopes route vs unscoped route (same token) [CPU]').met).toBe(false);
  });

  it('compares new tokens with the jose guard (0.95) and the serial bound (0.88)', () => {
    expect(targetNamed(targets, 'new token vs jose guard (new token) [req/s]')).toMatchObject({ value: 1_400 / 1_500, met: false });
    expect(targetNamed(targets, 'new token vs jose guard (new token) [CPU]')).toMatchObject({ value: 650 / 700, met: false });
    const bound = targetNamed(targets, 'new token vs serial bound [CPU]');
    expect([bound.value, bound.target, bound.met]).toEqual([600 / 700, 0.88, false]);
    const atBound = performanceTargets({ ...FIGURES, 'module-new': row(1_500, 660) });
    expect(targetNamed(atBound, 'new token vs serial bound [req/s]').value).toBeCloseTo(0.9, 9);
    expect(targetNamed(atBound, 'new token vs serial bound [req/s]').met).toBe(true);
    expect(targetNamed(atBound, 'new token vs serial bound [CPU]')).toMatchObject({ value: 600 / 660, met: true });
  });

  it('allows a miss at most 40 µs more than the jose guard, in CPU and in 1e6 / req/s', () => {
    const cpu = targetNamed(targets, "miss cost over jose guard's, µs per request [CPU]");
    expect([cpu.value, cpu.rule, cpu.target, cpu.unit, cpu.met]).toEqual([50, '<=', 40, ' µs', false]);
    expect(targetNamed(targets, "miss cost over jose guard's, µs per request [req/s]").value).toBeCloseTo(1e6 / 1_400 - 1e6 / 1_500, 9);
    const close = performanceTargets({ ...FIGURES, 'module-new': row(1_500, 690) });
    expect(targetNamed(close, "miss cost over jose guard's, µs per request [CPU]")).toMatchObject({ value: 40, met: true });
    expect(targetNamed(close, "miss cost over jose guard's, µs per request [req/s]")).toMatchObject({ value: 0, met: true });
  });

  it('keeps the recipe ratios', () => {
    expect(targetNamed(targets, 'repeated token vs usual recipe (repeated token) [CPU]')).toMatchObject({ value: 950 / 112, target: 4, met: true });
    expect(targetNamed(targets, 'repeated token vs jose guard (repeated token) [req/s]')).toMatchObject({ value: 6, met: true });
    expect(targetNamed(targets, 'new token vs usual recipe (new token) [req/s]')).toMatchObject({ value: 1.4, target: 1, met: true });
  });

  it('names the figures it was computed on', () => {
    expect(performanceTargets(FIGURES, ', best rounds').every((t) => t.name.endsWith(', best rounds'))).toBe(true);
  });
});

describe('the rounds of a row', () => {
  const rounds: RowFigures[] = [
    row(900, 120, { p50: 6, p99: 30, eventLoopDelayP99Ms: 4, fullVerificationsPerRequest: 1 }),
    row(1_100, 95, { p50: 4, p99: 25, non2xx: 2, eventLoopDelayP99Ms: 2, fullVerificationsPerRequest: 1.01 }),
    row(1_000, 105, { p50: 5, p99: 40, eventLoopDelayP99Ms: 3, fullVerificationsPerRequest: 1.02 }),
  ];

  it('reduce to their medians, non-2xx summed', () => {
    expect(medianOfRounds(rounds)).toEqual({
      requestsPerSecond: 1_000,
      cpuMicrosecondsPerRequest: 105,
      p50: 5,
      p99: 30,
      non2xx: 2,
      eventLoopDelayP99Ms: 3,
      fullVerificationsPerRequest: 1.01,
    });
  });

  it('give their best round figure by figure: most req/s, least CPU, latency and loop delay', () => {
    expect(bestOfRounds(rounds)).toEqual({
      requestsPerSecond: 1_100,
      cpuMicrosecondsPerRequest: 95,
      p50: 4,
      p99: 25,
      non2xx: 2,
      eventLoopDelayP99Ms: 2,
      fullVerificationsPerRequest: 1.01,
    });
  });

  it('of the crypto row keep no non-2xx count, and their best is the most verifications per CPU second', () => {
    const limit = (verifiesPerCpuSecond: number): RowFigures => ({ requestsPerSecond: 1_800, p50: 0.5, p99: 0.7, non2xx: null, verifiesPerCpuSecond });
    const crypto = [limit(2_000), limit(2_200), limit(1_900)];
    expect(bestOfRounds(crypto)).toEqual({ requestsPerSecond: 1_800, p50: 0.5, p99: 0.7, non2xx: null, verifiesPerCpuSecond: 2_200 });
    expect(medianOfRounds(crypto).verifiesPerCpuSecond).toBe(2_000);
  });
});

describe('the printed report', () => {
  it('marks each target MET or MISSED with its value and requirement', () => {
    const lines = formatTargets(performanceTargets(FIGURES)).split('\n');
    expect(lines.find((line) => line.includes('repeated token vs unguarded route [req/s]'))).toMatch(/^MET {4}.* 0\.90x \(target >= 0\.90x\)$/);
    expect(lines.find((line) => line.includes("miss cost over jose guard's, µs per request [CPU]"))).toMatch(/^MISSED .* 50\.00 µs \(target <= 40\.00 µs\)$/);
  });

  it('shows the event-loop delay p99 of app rows, and none for the crypto row', () => {
    const rows = [
      { label: 'new token', figures: FIGURES['module-new'] },
      { label: 'crypto', figures: FIGURES['es384-limit'] },
    ];
    const table = formatTable(rows).split('\n');
    expect(table[0]).toContain('loop p99 ms');
    expect(table[2]).toMatch(/\|\s+3\.50 \|/);
    expect(table[3]).toMatch(/\|\s+500 \|\s+- \|/);
    const markdown = formatMarkdown(rows, []).split('\n');
    expect(markdown[0]).toContain('event-loop delay p99 ms');
    expect(markdown[2]).toBe('| new token | 1,400 | 5.00 | 20.00 | 0 | 700 | 3.50 |  |');
    expect(markdown[3]).toBe('| crypto | 1,900 | 0.50 | 0.70 | - | 500 | - |  |');
  });
});

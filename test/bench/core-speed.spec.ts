import { describe, expect, it } from 'vitest';
import { measureCoreSpeed, SLOW_WINDOW_FACTOR, slowWindows, windowCoreSpeed } from '../../bench/core-speed';

const busyFor = (microseconds: number) => () => {
  const until = performance.now() + microseconds / 1000;
  while (performance.now() < until);
};

describe('the core-speed probe of npm run bench', () => {
  it('answers the median batch in µs per call of the work it times', () => {
    let calls = 0;
    const speed = measureCoreSpeed(() => {
      calls++;
      busyFor(200)();
    }, 3, 10);
    expect(calls).toBe(30);
    expect(speed).toBeGreaterThanOrEqual(200);
    expect(speed).toBeLessThan(2_000); // a loaded test machine may stretch a batch; the median is still about 200
  });

  it('takes the slower of the probes before and after a window as its speed', () => {
    expect(windowCoreSpeed(530, 810)).toBe(810);
    expect(windowCoreSpeed(810, 530)).toBe(810);
  });

  it('finds the windows slower than the fastest window by more than the factor, by row and round', () => {
    const speeds = new Map([
      ['unguarded', [530, 540, 800]],
      ['module-new', [561, 562, 530 * SLOW_WINDOW_FACTOR]],
    ]);
    expect(slowWindows(speeds)).toEqual({
      reference: 530,
      slow: [
        { id: 'unguarded', round: 2 },
        { id: 'module-new', round: 1 },
      ],
    });
  });

  it('finds no slow window when the whole run ran at one speed, however slow', () => {
    expect(slowWindows(new Map([['unguarded', [900, 910, 920]]])).slow).toEqual([]);
  });
});

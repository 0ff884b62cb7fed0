import { describe, expect, it } from 'vitest';
import { parsePerfMap, readCallgrindDump, symbolAt } from '../../bench/callgrind-profile';

// node --perf-basic-prof: one code object per line, start and size in hex.
const PERF_MAP = ['2000 80 JS:*canActivate file:///app/lib/logto-auth.guard.js:73:16', '1000 100 JS:*tryActivate file:///app/guards-consumer.js:5:22', 'not a line'].join('\n');

// A callgrind dump as valgrind 3.19 writes it: names compressed to ids after their first use, a call's
// inclusive cost on the line after `calls=`, a recursion level named with 'N.
const DUMP = `version: 1
creator: callgrind-3.19.0
positions: line
events: Ir
summary: 1000

ob=(1) /usr/bin/node
fl=(1) ???
fn=(1) 0x0000000000001000
0 10
cfn=(2) 0x0000000000002010
calls=2 0
0 300
cfn=(3) v8::internal::Runtime_LoadIC_Miss
calls=1 0
0 50
fn=(2)
0 250
cfn=(3)
calls=1 0
0 50
fn=(3)
0 100
fn=(4) 0x0000000000001000'2
0 7
fn=(1)
+2 5

totals: 1000
`;

describe('the callgrind dump of an app under test', () => {
  const perfMap = parsePerfMap(PERF_MAP);

  it('names JIT code by the perf map: the code object that holds the address, none outside every object', () => {
    expect(perfMap.map((entry) => entry.start)).toEqual([0x1000, 0x2000]);
    expect(symbolAt(perfMap, 0x1000)).toBe('JS:*tryActivate file:///app/guards-consumer.js:5:22');
    expect(symbolAt(perfMap, 0x107f)).toBe('JS:*tryActivate file:///app/guards-consumer.js:5:22');
    expect(symbolAt(perfMap, 0x2050)).toBe('JS:*canActivate file:///app/lib/logto-auth.guard.js:73:16');
    expect(symbolAt(perfMap, 0x1100)).toBeUndefined();
  });

  it("sums a function's own cost and its calls' inclusive costs, across its blocks, and leaves recursion levels out", () => {
    const figures = readCallgrindDump(DUMP, perfMap, /tryActivate .*guards-consumer\.js/);
    expect(figures.total).toBe(1000);
    expect(figures.matched).toBe(10 + 300 + 50 + 5);
    expect(figures.matchedNames).toEqual(['JS:*tryActivate file:///app/guards-consumer.js:5:22']);
  });

  it('reads a function named by callgrind itself (a C++ symbol) and one named through the map alike', () => {
    expect(readCallgrindDump(DUMP, perfMap, /Runtime_LoadIC_Miss/).matched).toBe(100);
    expect(readCallgrindDump(DUMP, perfMap, /canActivate/).matched).toBe(250 + 50);
    expect(readCallgrindDump(DUMP, perfMap, /nothing of the kind/)).toEqual({ total: 1000, matched: 0, matchedNames: [] });
  });
});

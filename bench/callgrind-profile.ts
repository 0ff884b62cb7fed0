/**
 * Reads a callgrind dump of an app under test: the instructions the whole process ran, and the inclusive
 * instructions of the JavaScript functions a pattern names. V8's JIT code has no symbols callgrind knows; node's
 * `--perf-basic-prof` writes `/tmp/perf-<pid>.map` (start, size, name of every code object), which names them.
 * Instruction counts do not depend on how fast the machine's core is at the moment, nor on another process
 * sharing it: the one figure of the bench that a slow hour or a neighbour cannot move.
 */

export interface PerfMapEntry {
  readonly start: number;
  readonly size: number;
  readonly name: string;
}

/** `/tmp/perf-<pid>.map`: one code object per line, `<start hex> <size hex> <name>`; sorted by start. */
export function parsePerfMap(text: string): PerfMapEntry[] {
  const entries: PerfMapEntry[] = [];
  for (const line of text.split('\n')) {
    const match = /^([0-9a-f]+) ([0-9a-f]+) (.+)$/i.exec(line);
    if (match) entries.push({ start: parseInt(match[1], 16), size: parseInt(match[2], 16), name: match[3] });
  }
  return entries.sort((a, b) => a.start - b.start);
}

/** The code object holding `address`, by binary search. */
export function symbolAt(entries: readonly PerfMapEntry[], address: number): string | undefined {
  let low = 0;
  let high = entries.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const entry = entries[middle];
    if (address < entry.start) high = middle - 1;
    else if (address >= entry.start + entry.size) low = middle + 1;
    else return entry.name;
  }
  return undefined;
}

export interface CallgrindFigures {
  /** Every instruction of the dump (its `summary:` or `totals:` line). */
  readonly total: number;
  /** Self plus callees of every function whose name matches, each counted once (recursion levels left out). */
  readonly matched: number;
  /** The names that matched, for the report. */
  readonly matchedNames: readonly string[];
}

/**
 * Parses a callgrind dump (`--dump-instr=no`, the default: one cost, instructions, per line). Functions are
 * `fn=(id) name` (the name given once, then the id alone); a call is `calls=<count> <target>` followed by the
 * line of its inclusive cost. A JIT function is named by callgrind as its address (`0x…`), read through the
 * perf map; `name'2` is a recursion level, whose cost its caller already includes.
 */
export function readCallgrindDump(dump: string, perfMap: readonly PerfMapEntry[], pattern: RegExp): CallgrindFigures {
  const names = new Map<string, string>();
  const inclusive = new Map<string, number>();
  let current: string | undefined;
  let total = 0;
  const idOf = (field: string): string => {
    const match = /^\((\d+)\)(?: (.*))?$/.exec(field);
    if (!match) return field;
    if (match[2] !== undefined) names.set(match[1], match[2]);
    return match[1];
  };
  for (const line of dump.split('\n')) {
    if (line.startsWith('fn=')) {
      current = idOf(line.slice(3));
    } else if (line.startsWith('cfn=')) {
      idOf(line.slice(4));
    } else if (line.startsWith('summary:') || line.startsWith('totals:')) {
      total = Number(line.split(/\s+/)[1]);
    } else if (/^[0-9+\-*]/.test(line) && current !== undefined) {
      const cost = Number(line.split(/\s+/)[1] ?? 0);
      // The line after `calls=` holds the call's inclusive cost, any other the function's own: both are the function's.
      inclusive.set(current, (inclusive.get(current) ?? 0) + cost);
    }
  }
  let matched = 0;
  const matchedNames: string[] = [];
  for (const [id, cost] of inclusive) {
    const raw = names.get(id) ?? id;
    if (raw.includes("'")) continue; // a recursion level
    const address = /^0x([0-9a-f]+)$/i.exec(raw.split(' ')[0]);
    const name = address ? symbolAt(perfMap, parseInt(address[1], 16)) : raw;
    if (name === undefined || !pattern.test(name)) continue;
    matched += cost;
    matchedNames.push(name);
  }
  return { total, matched, matchedNames };
}

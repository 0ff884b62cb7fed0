import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** One file of an example set: where it goes in the app, and the block's text, byte for byte. */
export interface ReadmeExample {
  readonly path: string;
  readonly code: string;
}

const MARKER = /^<!-- example: ([\w.-]+)\/(\S+) -->$/;
const FENCE_OPEN = /^(`{3,}|~{3,})[\w-]*\s*$/;

/**
 * Reads the code blocks of README.md marked for a set. The contract with the README: a line
 * `<!-- example: <set>/<path> -->` immediately followed by a fenced code block; the block's text is the
 * file `<path>` of the example app `<set>`. Throws when the set is missing, a marker has no block right
 * after it, a block is empty, a path repeats, or a `required` file is absent, so a README edit that
 * drops or breaks an example fails the test instead of silently testing less.
 */
export function readReadmeExamples(set: string, required: readonly string[] = [], readmePath = resolve(__dirname, '../../README.md')): ReadmeExample[] {
  const lines = readFileSync(readmePath, 'utf8').split(/\r?\n/);
  const examples: ReadmeExample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = MARKER.exec(lines[i].trim());
    if (!marker || marker[1] !== set) continue;
    const path = marker[2];
    const open = FENCE_OPEN.exec(lines[i + 1] ?? '');
    if (!open) throw new Error(`README.md:${i + 1}: "${lines[i].trim()}" must be immediately followed by a fenced code block`);
    const close = lines.findIndex((line, j) => j > i + 1 && line.trim() === open[1]);
    if (close === -1) throw new Error(`README.md:${i + 2}: the code block of ${set}/${path} is never closed`);
    const code = lines.slice(i + 2, close).join('\n');
    if (code.trim() === '') throw new Error(`README.md:${i + 2}: the code block of ${set}/${path} is empty`);
    if (examples.some((example) => example.path === path)) throw new Error(`README.md:${i + 1}: ${set}/${path} is marked twice`);
    examples.push({ path, code: `${code}\n` });
    i = close;
  }
  if (examples.length === 0) throw new Error(`README.md has no example set "${set}" (no "<!-- example: ${set}/<path> -->" marker)`);
  const missing = required.filter((path) => !examples.some((example) => example.path === path));
  if (missing.length > 0) throw new Error(`README.md example set "${set}" lacks ${missing.join(', ')}`);
  return examples;
}

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

// `import ... from 'x'`, `export ... from 'x'`, `import 'x'`, `import('x')`, `/// <reference types="x" />`.
const SPECIFIERS = [/\bfrom\s+['"]([^'"]+)['"]/g, /\bimport\s+['"]([^'"]+)['"]/g, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g, /<reference\s+types=['"]([^'"]+)['"]/g];

const packageName = (specifier: string) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);

/**
 * Follows the relative imports of the given `.d.ts` entry points through the published typings and
 * returns every package they import (`node:` builtins included, as `node`), each with the first file that
 * imports it. What a consumer compiling with `skipLibCheck: false` must have types for.
 */
export function packagesImportedByTypings(entries: readonly string[]): Map<string, string> {
  const packages = new Map<string, string>();
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    if (!existsSync(file)) throw new Error(`typings entry ${file} does not exist`);
    seen.add(file);
    // comments dropped (a TSDoc @example may name any package), triple-slash references kept
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/(?!\/).*$/gm, '');
    for (const pattern of SPECIFIERS) {
      for (const [, specifier] of text.matchAll(pattern)) {
        if (specifier.startsWith('.')) {
          const target = join(dirname(file), specifier).replace(/\.js$/, '');
          queue.push(existsSync(`${target}.d.ts`) ? `${target}.d.ts` : join(target, 'index.d.ts'));
        } else {
          const name = specifier.startsWith('node:') ? 'node' : packageName(specifier);
          if (!packages.has(name)) packages.set(name, relative(dirname(entries[0]), file));
        }
      }
    }
  }
  return packages;
}

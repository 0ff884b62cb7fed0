import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Every package a module imports, following relative imports (type-only imports emit nothing). */
export function packagesReachableFrom(entry: string, seen = new Set<string>(), packages = new Set<string>()): Set<string> {
  if (seen.has(entry)) return packages;
  seen.add(entry);
  const source = readFileSync(entry, 'utf8');
  for (const [, typeOnly, specifier] of source.matchAll(/^(?:import|export)\s+(type\s)?[^'"]*?from\s+'([^']+)'/gm)) {
    if (typeOnly) continue;
    if (!specifier.startsWith('.')) {
      packages.add(specifier);
      continue;
    }
    const file = join(dirname(entry), `${specifier}.ts`);
    packagesReachableFrom(existsSync(file) ? file : join(dirname(entry), specifier, 'index.ts'), seen, packages);
  }
  return packages;
}

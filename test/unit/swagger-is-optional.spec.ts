import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const LIB = resolve(__dirname, '../../lib');

/** Every package a module imports, following relative imports (type-only imports emit nothing). */
function packagesReachableFrom(entry: string, seen = new Set<string>(), packages = new Set<string>()): Set<string> {
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

describe('@nestjs/swagger is an optional peer dependency', () => {
  it('is not loaded by the main entry point', () => {
    const packages = [...packagesReachableFrom(join(LIB, 'index.ts'))];
    expect(packages).toContain('@nestjs/common');
    expect(packages.filter((name) => name.startsWith('@nestjs/swagger'))).toEqual([]);
  });

  it('is loaded only by the nestjs-logto/swagger entry point', () => {
    expect([...packagesReachableFrom(join(LIB, 'swagger/index.ts'))]).toContain('@nestjs/swagger');
    const manifest = JSON.parse(readFileSync(resolve(LIB, '../package.json'), 'utf8'));
    expect(manifest.peerDependenciesMeta['@nestjs/swagger']).toEqual({ optional: true });
    expect(manifest.dependencies['@nestjs/swagger']).toBeUndefined();
    expect(manifest.exports['./swagger']).toEqual({ types: './dist/swagger/index.d.ts', default: './dist/swagger/index.js' });
  });
});

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packagesReachableFrom } from './helpers/packages-reachable';

const LIB = resolve(__dirname, '../lib');

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

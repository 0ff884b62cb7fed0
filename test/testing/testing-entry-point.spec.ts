import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packagesReachableFrom } from '../helpers/packages-reachable';

const LIB = resolve(__dirname, '../../lib');

describe('nestjs-logto/testing is an optional entry point', () => {
  it('loads only Node built-ins: nothing a production install would have to carry, no jose', () => {
    const packages = [...packagesReachableFrom(join(LIB, 'testing/index.ts'))];
    expect(packages.length).toBeGreaterThan(0);
    expect(packages.filter((name) => !name.startsWith('node:'))).toEqual([]);
  });

  it('is not loaded by the main entry point', () => {
    const source = (file: string) => readFileSync(join(LIB, file), 'utf8');
    expect(source('index.ts')).not.toMatch(/testing/);
    expect([...packagesReachableFrom(join(LIB, 'index.ts'))]).not.toContain('jose');
  });

  it('is published as nestjs-logto/testing, with types for every module resolution', () => {
    const manifest = JSON.parse(readFileSync(resolve(LIB, '../package.json'), 'utf8'));
    expect(manifest.exports['./testing']).toEqual({ types: './dist/testing/index.d.ts', default: './dist/testing/index.js' });
    expect(manifest.typesVersions['*'].testing).toEqual(['dist/testing/index.d.ts']);
    expect(manifest.dependencies.jose).toBeUndefined();
  });
});

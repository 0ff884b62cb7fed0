import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { packagesImportedByTypings } from './helpers/typings-imports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');
const EXPORTS = ['AnyScope', 'CurrentUser', 'DEFAULT_ALGORITHMS', 'LogtoAuthErrorCode', 'LogtoAuthException', 'LogtoAuthGuard', 'LogtoAuthModule', 'Public', 'SUPPORTED_ALGORITHMS', 'Scopes'];
// Internals: their typings pull in passport / passport-jwt types, and their shape is not a promise.
const INTERNALS = ['LogtoStrategy', 'VerifiedTokenCache', 'LOGTO_AUTH_OPTIONS', 'OPTIONS_TYPE', 'ASYNC_OPTIONS_TYPE', 'ConfigurableLogtoAuthModule'];
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, { types?: string }>; peerDependencies: Record<string, string> };

/** Builds the package as it is published and loads it the two ways users do: require() and import. */
describe('the built package', () => {
  let project: string;

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'nestjs-logto-consumer-'));
    const out = join(project, 'node_modules', 'nestjs-logto');
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', join(out, 'dist')]);
    writeFileSync(join(out, 'package.json'), JSON.stringify({ name: 'nestjs-logto', main: 'dist/index.js', types: 'dist/index.d.ts' }));
    mkdirSync(join(project, 'node_modules', '@nestjs'));
    for (const dep of ['@nestjs/common', '@nestjs/core', '@nestjs/passport', 'passport', 'passport-jwt', 'jwks-rsa', 'reflect-metadata', 'rxjs']) {
      symlinkSync(join(root, 'node_modules', dep), join(project, 'node_modules', dep));
    }
  }, 120_000);
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  const run = (file: string, code: string) => {
    writeFileSync(join(project, file), code);
    return execFileSync(process.execPath, [join(project, file)], { cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  };

  it('loads with require()', () => {
    const out = run('load.cjs', "console.log(Object.keys(require('nestjs-logto')).sort().join(','))");
    expect(out.trim().split(',')).toEqual(expect.arrayContaining(EXPORTS));
  });

  it('keeps the internals out of the public surface', () => {
    const names = run('internals.cjs', "console.log(Object.keys(require('nestjs-logto')).join(','))").trim().split(',');
    expect(names.filter((name) => INTERNALS.includes(name))).toEqual([]);
  });

  it('publishes typings that import only peer dependencies, so skipLibCheck: false compiles without extra @types', () => {
    const entries = Object.values(manifest.exports).flatMap((entry) => (entry.types ? [join(project, 'node_modules/nestjs-logto', entry.types)] : []));
    expect(entries.length).toBeGreaterThan(1);
    const imported = packagesImportedByTypings(entries);
    expect(imported.size).toBeGreaterThan(0); // @nestjs/common at least: the scan reads real imports
    const notPeers = [...imported].filter(([name]) => !(name in manifest.peerDependencies)).map(([name, from]) => `${name} (${from})`);
    expect(notPeers).toEqual([]);
  });

  it('loads with import', () => {
    const out = run('load.mjs', "import * as m from 'nestjs-logto'; import { LogtoAuthModule } from 'nestjs-logto'; console.log(typeof LogtoAuthModule.forRoot, Object.keys(m).sort().join(','))");
    const [forRoot, names] = out.trim().split(' ');
    expect(forRoot).toBe('function');
    expect(names.split(',')).toEqual(expect.arrayContaining(EXPORTS));
  });
});

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');
const EXPORTS = ['AnyScope', 'CurrentUser', 'DEFAULT_ALGORITHMS', 'LOGTO_AUTH_OPTIONS', 'LogtoAuthErrorCode', 'LogtoAuthException', 'LogtoAuthGuard', 'LogtoAuthModule', 'LogtoStrategy', 'Public', 'SUPPORTED_ALGORITHMS', 'Scopes'];

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

  it('loads with import', () => {
    const out = run('load.mjs', "import * as m from 'nestjs-logto'; import { LogtoAuthModule } from 'nestjs-logto'; console.log(typeof LogtoAuthModule.forRoot, Object.keys(m).sort().join(','))");
    const [forRoot, names] = out.trim().split(' ');
    expect(forRoot).toBe('function');
    expect(names.split(',')).toEqual(expect.arrayContaining(EXPORTS));
  });
});

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
    const { name, main, types, exports, typesVersions } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    writeFileSync(join(out, 'package.json'), JSON.stringify({ name, main, types, exports, typesVersions }));
    mkdirSync(join(project, 'node_modules', '@nestjs'));
    mkdirSync(join(project, 'node_modules', '@types'));
    symlinkSync(join(root, 'node_modules/@types/node'), join(project, 'node_modules/@types/node'));
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

  // The testing entry point needs nothing beyond node:crypto and node:http: jose (a devDependency) is not in this project.
  it('loads nestjs-logto/testing with require() and import, without jose', () => {
    const code = (load: string) =>
      `${load}; startLogtoTestIssuer().then(async (issuer) => { console.log(issuer.token().split('.').length, JSON.stringify(Object.keys(issuer.moduleOptions()))); await issuer.close(); })`;
    const expected = `3 ${JSON.stringify(['issuer', 'jwksUri', 'audience'])}`;
    expect(run('testing.cjs', code("const { startLogtoTestIssuer } = require('nestjs-logto/testing')")).trim()).toBe(expected);
    expect(run('testing.mjs', code("import { startLogtoTestIssuer } from 'nestjs-logto/testing'")).trim()).toBe(expected);
  });

  // skipLibCheck off, as in a new Nest app: the published .d.ts may only name types the app already has.
  it('types nestjs-logto/testing for a strict TypeScript consumer', () => {
    writeFileSync(
      join(project, 'consumer.ts'),
      [
        "import { startLogtoTestIssuer, type LogtoTestIssuer } from 'nestjs-logto/testing';",
        '// What LogtoAuthModule.forRoot() reads of these options (checked against the real type by the e2e suite).',
        'type TrustOptions = { issuer?: string | readonly string[]; jwksUri?: string; audience?: string | readonly string[] };',
        'export async function setUp(): Promise<LogtoTestIssuer> {',
        "  await using disposable = await startLogtoTestIssuer({ alg: 'RS256' });",
        "  const issuer = await startLogtoTestIssuer({ audience: 'https://api.example.com' });",
        '  const options: TrustOptions = { ...issuer.moduleOptions(), ...disposable.moduleOptions({ audience: [issuer.audience] }) };',
        "  issuer.token({ sub: 'u', scopes: ['read:documents'], audience: options.audience, expiresIn: 60, claims: { x: 1 }, header: { y: 2 } }).split('.');",
        "  issuer.tokens.withoutScopes({ sub: 'm2m' }).split('.');",
        '  return issuer;',
        '}',
      ].join('\n'),
    );
    const tsconfig = { compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'ES2022', lib: ['ES2022', 'ESNext.Disposable'], types: ['node'], skipLibCheck: false, noEmit: true }, files: ['consumer.ts'] };
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', project], { cwd: project, encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 60_000);
});

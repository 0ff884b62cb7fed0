import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGTO_AUTH_FAILURES } from '../../lib/errors/logto-auth.failures';
import { expectOutcome, headerMissing, invalidToken, ResponseLike } from '../helpers/expect-outcome';
import { startJwksServer, JwksServer } from '../helpers/jwks-server';
import { createTestKey } from '../helpers/keys';
import { readReadmeExamples } from '../helpers/readme-examples';
import { runCommand } from '../helpers/run-command';
import { signAccessToken, TEST_AUDIENCE } from '../helpers/sign-token';
import { startConsumerApp } from '../helpers/consumer-app';

/**
 * What a new user does: `npm pack` this repository, `npm install` the tarball (plain, no
 * --legacy-peer-deps; --strict-peer-deps, so that a peer range npm would override fails the install) into an app laid out as the NestJS CLI generates it, paste the README's Quick start,
 * compile with the app's own TypeScript (strict, skipLibCheck: false) and call it.
 */
const root = resolve(__dirname, '../..');
const QUICK_START = ['src/main.ts', 'src/app.module.ts', 'src/documents.controller.ts'];

interface ConsumerApp {
  readonly name: string;
  readonly nest: number;
  readonly typescript: number;
  readonly esm: boolean;
  /** What the README's Install line has the user add next to the tarball, for this NestJS major. */
  readonly peers: readonly string[];
  /** The README Quick start files this app takes verbatim (the rest are the app's own). */
  readonly fromReadme: readonly string[];
}

const APPS: readonly ConsumerApp[] = [
  { name: 'nest12-esm', nest: 12, typescript: 6, esm: true, peers: ['@nestjs/passport', 'passport'], fromReadme: QUICK_START },
  // Also the low ends of the other peer ranges: passport 0.6, reflect-metadata 0.1.13, rxjs 7.8.0 (older rxjs 7 has no typings NestJS's .d.ts can resolve under nodenext).
  { name: 'nest11-cjs', nest: 11, typescript: 5, esm: false, peers: ['@nestjs/passport@^11', 'passport@~0.6.0', 'reflect-metadata@0.1.13', 'rxjs@7.8.0'], fromReadme: QUICK_START },
  { name: 'nest12-fastify', nest: 12, typescript: 6, esm: true, peers: ['@nestjs/passport', 'passport'], fromReadme: QUICK_START.filter((path) => path !== 'src/main.ts') },
];

const key = createTestKey('ES384');
const strangerKey = createTestKey('ES384');
let jwks: JwksServer;
let work: string;
let tarball: string;
const installs = new Map<string, Promise<number>>();
const timings: string[] = [];

beforeAll(async () => {
  jwks = await startJwksServer([key.jwk]);
  work = mkdtempSync(join(tmpdir(), 'nestjs-logto-consumers-'));
  rmSync(join(root, 'dist'), { recursive: true, force: true }); // as in a clean clone: dist/ is not in git
  const packed = await runCommand('npm', ['pack', '--pack-destination', work, '--loglevel=error'], root, 180_000);
  timings.push(`npm pack (prepack build): ${packed.ms} ms`);
  tarball = join(work, readdirSync(work).find((file) => file.endsWith('.tgz')) as string);
  const readme = readReadmeExamples('quick-start', QUICK_START);
  for (const app of APPS) {
    const dir = join(work, app.name);
    cpSync(join(__dirname, 'apps', app.name), dir, { recursive: true });
    for (const example of readme.filter((file) => app.fromReadme.includes(file.path))) {
      mkdirSync(dirname(join(dir, example.path)), { recursive: true });
      writeFileSync(join(dir, example.path), example.code);
    }
    copyFileSync(join(__dirname, 'options.type-check.ts'), join(dir, 'src/options.type-check.ts'));
    // The three installs run side by side and share npm's cache; each is awaited by its own test.
    const install = runCommand('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--strict-peer-deps', '--loglevel=error', tarball, ...app.peers], dir, 300_000);
    installs.set(app.name, install.then(({ ms }) => ms));
    install.catch(() => undefined); // reported by the app's install test
  }
}, 600_000);

afterAll(async () => {
  await jwks?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  console.log(`consumer apps, timings:\n  ${timings.join('\n  ')}`);
});

it('packs a clean clone into a tarball with the built package (prepack), its LICENSE and no TypeScript sources', async () => {
  const { output } = await runCommand('tar', ['-tzf', tarball], work, 30_000);
  const files = output.trim().split('\n');
  expect(files).toEqual(expect.arrayContaining(['package/dist/index.js', 'package/dist/index.d.ts', 'package/dist/swagger/index.js', 'package/LICENSE', 'package/README.md', 'package/package.json']));
  expect(files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
});

describe.each(APPS)('a fresh $name app (NestJS $nest, TypeScript $typescript)', (app) => {
  const dir = () => join(work, app.name);
  const installed = (name: string) => JSON.parse(readFileSync(join(dir(), 'node_modules', name, 'package.json'), 'utf8')) as { version: string; type?: string };

  it(`installs the tarball with a plain npm install, next to ${app.peers.join(' ')}`, async () => {
    const ms = await installs.get(app.name);
    timings.push(`${app.name}: npm install ${ms} ms`);
    expect(installed('@nestjs/core').version.split('.')[0]).toBe(String(app.nest));
    expect(installed('@nestjs/passport').version.split('.')[0]).toBe(String(app.nest));
    expect(installed('typescript').version.split('.')[0]).toBe(String(app.typescript));
    for (const pinned of app.peers.filter((peer) => /@[~^]?\d/.test(peer) && !peer.startsWith('@nestjs/'))) {
      const [name, range] = [pinned.slice(0, pinned.lastIndexOf('@')), pinned.slice(pinned.lastIndexOf('@') + 1).replace(/^[~^]/, '')];
      expect(installed(name).version.startsWith(range.split('.').slice(0, 2).join('.'))).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(dir(), 'package.json'), 'utf8')).type).toBe(app.esm ? 'module' : undefined);
  });

  it('ships source maps that carry their sources', () => {
    const map = JSON.parse(readFileSync(join(dir(), 'node_modules/nestjs-logto/dist/logto-auth.guard.js.map'), 'utf8')) as { sources: string[]; sourcesContent?: string[] };
    expect(map.sourcesContent).toHaveLength(map.sources.length);
    expect(map.sourcesContent?.[0]).toContain('export class LogtoAuthGuard');
  });

  it('compiles the README Quick start verbatim with strict and skipLibCheck: false', async () => {
    const tsconfig = JSON.parse(readFileSync(join(dir(), 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    expect(tsconfig.compilerOptions).toMatchObject({ strict: true, skipLibCheck: false, isolatedModules: true, emitDecoratorMetadata: true, experimentalDecorators: true });
    const compiled = await runCommand(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], dir(), 120_000);
    timings.push(`${app.name}: tsc ${compiled.ms} ms`);
    expect(compiled.output).toBe('');
  });

  it('starts and answers 401 without a token, 200 with the scope, 403 without it, 200 on @Public', async () => {
    const started = Date.now();
    const running = await startConsumerApp(dir(), { LOGTO_ENDPOINT: jwks.endpoint, LOGTO_AUDIENCE: TEST_AUDIENCE }, 30_000);
    timings.push(`${app.name}: start ${Date.now() - started} ms`);
    const call = async (method: string, path: string, scope?: string, signer = key): Promise<ResponseLike & { body: unknown }> => {
      const headers: Record<string, string> = scope === undefined ? {} : { authorization: `Bearer ${signAccessToken({ key: signer, issuer: jwks.issuer, claims: { scope } })}` };
      const response = await fetch(`http://127.0.0.1:${running.port}${path}`, { method, headers });
      const text = await response.text();
      return { status: response.status, headers: Object.fromEntries(response.headers.entries()), text, body: text ? JSON.parse(text) : undefined };
    };
    try {
      expectOutcome(await call('GET', '/documents'), headerMissing);
      expectOutcome(await call('GET', '/documents', 'read:documents', strangerKey), invalidToken('unknown_key'));

      const list = await call('GET', '/documents', 'read:documents');
      expect({ status: list.status, body: list.body }).toEqual({ status: 200, body: { sub: 'user-1', scopes: ['read:documents'] } });

      const forbidden = await call('POST', '/documents', 'read:documents');
      const { description } = LOGTO_AUTH_FAILURES.insufficient_scope;
      expect({ status: forbidden.status, body: forbidden.body }).toEqual({ status: 403, body: { statusCode: 403, error: 'Forbidden', code: 'insufficient_scope', message: description } });
      expect(forbidden.headers['www-authenticate']).toBe(`Bearer realm="api", error="insufficient_scope", error_description="${description}", scope="read:documents write:documents"`);

      const created = await call('POST', '/documents', 'read:documents write:documents');
      expect({ status: created.status, body: created.body }).toEqual({ status: 201, body: { createdBy: 'user-1' } });
      expect((await call('GET', '/documents/search', 'read:documents search:own')).status).toBe(200);
      expect((await call('GET', '/documents/search', 'read:documents')).status).toBe(403);

      const health = await call('GET', '/documents/health');
      expect({ status: health.status, body: health.body }).toEqual({ status: 200, body: { ok: true } });
    } finally {
      await running.stop();
    }
  });
});

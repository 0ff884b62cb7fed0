import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevIssuer, startDevIssuer } from '../../sample/dev-issuer/dev-issuer';
import { DEV_API_RESOURCE } from '../../sample/dev-issuer/dev-tenant';
import { accessToken } from '../helpers/dev-issuer-client';
import { NpmStart, runNpmScript, runNpmStart } from '../helpers/npm-start';
import { waitFor } from '../helpers/wait-for';

const START_TIMEOUT_MS = 90_000; // includes the TypeScript build of `npm start`
const PRINTED_LAST = 'Ctrl-C stops';
const HAS_CURL = (() => {
  try {
    execFileSync('curl', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function apiUrlFrom(output: string): string {
  const match = /^ {2}API {10}(http:\/\/127\.0\.0\.1:\d+)/m.exec(output);
  if (!match?.[1]) throw new Error(`no API URL in:\n${output}`);
  return match[1];
}

function issuerUrlFrom(output: string, label = 'Dev issuer'): string {
  const match = new RegExp(`^ {2}${label} +(http://127\\.0\\.0\\.1:\\d+/oidc)`, 'm').exec(output);
  if (!match?.[1]) throw new Error(`no ${label} URL in:\n${output}`);
  return match[1];
}

/** True once nothing accepts connections at `url` any more. */
async function portFreed(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return false;
  } catch (error) {
    return ((error as { cause?: { code?: string } }).cause?.code ?? '') === 'ECONNREFUSED';
  }
}

/** What a process manager (systemd, Docker, a CI runner) does: one signal to npm alone, never to its group. */
async function stopThroughNpm(run: NpmStart, signal: NodeJS.Signals, urls: readonly string[]): Promise<void> {
  await run.signalNpm(signal);
  const orphan = await waitFor(async () => run.groupAlive(), (alive) => !alive, { timeoutMs: 5_000 }).catch(() => true);
  expect(orphan, `a process of npm's group still runs after ${signal} to npm:\n${run.output()}`).toBe(false);
  for (const url of urls) expect(await portFreed(url)).toBe(true);
  expect(run.output()).toMatch(signal === 'SIGKILL' ? /SIGTERM: stopping\.\nStopped\./ : new RegExp(`${signal}: stopping\\.\\nStopped\\.`));
  expect(run.output()).not.toMatch(/Error|Unhandled/);
}

async function stopCleanly(run: NpmStart): Promise<void> {
  const { code, signal } = await run.interrupt();
  // npm re-raises the SIGINT it got, as after a Ctrl-C in a terminal; the sample itself must stop cleanly.
  expect(signal === 'SIGINT' || code === 0).toBe(true);
  await waitFor(async () => run.groupAlive(), (alive) => !alive, { timeoutMs: 5_000 });
  expect(run.output()).toContain('SIGINT: stopping.\nStopped.');
  expect(run.output()).not.toMatch(/Error|Unhandled/);
}

describe.skipIf(process.platform === 'win32')('npm start without LOGTO_ENDPOINT', () => {
  let run: NpmStart;
  let output: string;
  beforeAll(async () => {
    run = runNpmStart({ PORT: '0', DEV_ISSUER_PORT: '0', LOGTO_ENDPOINT: '', LOGTO_AUDIENCE: '' });
    output = await run.waitForOutput(PRINTED_LAST, START_TIMEOUT_MS);
  }, START_TIMEOUT_MS + 5_000);
  afterAll(() => run?.kill());

  it('starts the dev issuer and the API, and prints their URLs', async () => {
    expect((await fetch(`${apiUrlFrom(output)}/health`)).status).toBe(200);
    const issuer = /^ {2}Dev issuer {3}(http:\/\/127\.0\.0\.1:\d+\/oidc)/m.exec(output)?.[1];
    const discovery = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(((await discovery.json()) as { issuer: string }).issuer).toBe(issuer);
  });

  it.skipIf(!HAS_CURL)('prints curl commands that, pasted as they are, give 200, 401 and 403', async () => {
    const commands = output.split('\n').filter((line) => line.startsWith('TOKEN=$(curl ') || line.startsWith('curl -i '));
    expect(commands).toHaveLength(4);
    const { stdout } = await promisify(execFile)('bash', ['-c', commands.join('\necho\n')], { timeout: 20_000 });
    const statuses = [...stdout.matchAll(/^HTTP\/[\d.]+ (\d{3})/gm)].map((match) => Number(match[1]));
    expect(statuses).toEqual([200, 401, 403]);
  });

  it('stops the API and the issuer on Ctrl-C', async () => {
    await stopCleanly(run);
  });
});

describe.skipIf(process.platform === 'win32')('npm start with LOGTO_ENDPOINT and LOGTO_AUDIENCE', () => {
  let run: NpmStart | undefined;
  let issuer: DevIssuer | undefined;
  afterAll(async () => {
    run?.kill();
    await issuer?.close();
  });

  it('runs the API alone, verifying that issuer\'s tokens, and stops on Ctrl-C', { timeout: START_TIMEOUT_MS + 30_000 }, async () => {
    issuer = await startDevIssuer(); // stands in for a Logto tenant
    run = runNpmStart({ PORT: '0', LOGTO_ENDPOINT: issuer.endpoint, LOGTO_AUDIENCE: DEV_API_RESOURCE });
    const output = await run.waitForOutput(PRINTED_LAST, START_TIMEOUT_MS);
    expect(output).not.toContain('Dev issuer');
    expect(output).toContain(`Issuer       ${issuer.issuer}`);
    const token = await accessToken(issuer, { clientId: 'reader-app', resource: DEV_API_RESOURCE, scope: 'read:documents' });
    const response = await fetch(`${apiUrlFrom(output)}/documents`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    await stopCleanly(run);
  });
});

// SIGKILL: npm forwards nothing; the sample notices it lost its parent and stops by itself.
describe.skipIf(process.platform === 'win32').each(['SIGTERM', 'SIGINT', 'SIGKILL'] as const)('npm start, then %s to the npm process alone', (signal) => {
  let run: NpmStart | undefined;
  afterAll(() => run?.kill());

  it('stops the API and the dev issuer: both ports freed, no orphan', { timeout: START_TIMEOUT_MS + 30_000 }, async () => {
    run = runNpmStart({ PORT: '0', DEV_ISSUER_PORT: '0', LOGTO_ENDPOINT: '', LOGTO_AUDIENCE: '' });
    const output = await run.waitForOutput(PRINTED_LAST, START_TIMEOUT_MS);
    const apiUrl = `${apiUrlFrom(output)}/health`;
    const issuerUrl = `${issuerUrlFrom(output)}/jwks`;
    expect((await fetch(apiUrl)).status).toBe(200);
    expect((await fetch(issuerUrl)).status).toBe(200);
    await stopThroughNpm(run, signal, [apiUrl, issuerUrl]);
  });
});

describe.skipIf(process.platform === 'win32')('npm run dev-issuer', () => {
  let run: NpmStart;
  let output: string;
  beforeAll(async () => {
    run = runNpmScript('dev-issuer', { DEV_ISSUER_PORT: '0' });
    output = await run.waitForOutput('Ctrl-C stops the issuer.', START_TIMEOUT_MS);
  }, START_TIMEOUT_MS + 5_000);
  afterAll(() => run?.kill());

  it('starts the Logto-like issuer alone and prints its endpoint, issuer, JWKS and token URLs', async () => {
    expect(output).not.toMatch(/^ {2}API {10}http/m); // no sample API: the issuer alone
    const issuer = issuerUrlFrom(output, 'Issuer');
    const endpoint = issuer.slice(0, -'/oidc'.length);
    expect(output).toContain(`Endpoint     ${endpoint}   (LogtoAuthModule option "endpoint")`);
    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string; token_endpoint: string };
    expect(discovery).toMatchObject({ issuer, jwks_uri: `${issuer}/jwks`, token_endpoint: `${issuer}/token` });
    expect(output).toContain(`JWKS         ${discovery.jwks_uri}`);
    expect(output).toContain(`Token        ${discovery.token_endpoint}`);
  });

  it.skipIf(!HAS_CURL)('prints token commands that, pasted as they are, give the three kinds of Logto token', async () => {
    const commands = output.split('\n').filter((line) => line.startsWith('TOKEN=$(curl '));
    expect(commands).toHaveLength(3);
    const payloads: Record<string, unknown>[] = [];
    for (const command of commands) {
      const { stdout } = await promisify(execFile)('bash', ['-c', `${command}\necho "$TOKEN"`], { timeout: 20_000 });
      payloads.push(JSON.parse(Buffer.from(stdout.trim().split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>);
    }
    expect(payloads[0]).toMatchObject({ aud: DEV_API_RESOURCE, scope: 'read:documents', client_id: 'reader-app' });
    expect(payloads[0]?.organization_id).toBeUndefined();
    expect(payloads[1]).toMatchObject({ aud: 'urn:logto:organization:acme', scope: 'read:members invite:members' });
    expect(payloads[2]).toMatchObject({ aud: DEV_API_RESOURCE, organization_id: 'acme', scope: 'read:documents' });
  });

  it('stops cleanly on SIGTERM to the npm process: port freed, no orphan', async () => {
    await stopThroughNpm(run, 'SIGTERM', [`${issuerUrlFrom(output, 'Issuer')}/jwks`]);
  });
});

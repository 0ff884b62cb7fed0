import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevIssuer, startDevIssuer } from '../../sample/dev-issuer/dev-issuer';
import { DEV_API_RESOURCE } from '../../sample/dev-issuer/dev-tenant';
import { accessToken } from '../helpers/dev-issuer-client';
import { NpmStart, runNpmStart } from '../helpers/npm-start';
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

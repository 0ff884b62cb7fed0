import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOutcome, invalidToken } from '../helpers/expect-outcome';
import { ProtectedApi, startProtectedApi } from '../helpers/protected-api';
import { ADAPTERS } from '../helpers/test-app';

/** A wrong issuer is the classic misconfiguration: the server log must say which `iss` came and which are trusted. */
describe.each(ADAPTERS)('the debug line for a wrong issuer over %s', (adapter) => {
  let app: ProtectedApi;
  beforeAll(async () => {
    app = await startProtectedApi(adapter);
  });
  afterAll(() => app?.close());

  const debugLines = () => app.logger.entries.filter((entry) => entry.level === 'debug' && entry.context === 'LogtoAuth').map((entry) => entry.message);

  it('names the token\'s iss and the trusted issuers in the log, and neither in the response', async () => {
    app.logger.clear();
    const spelledLocalhost = app.jwks.issuer.replace('127.0.0.1', 'localhost');
    const res = await app.get('/documents', `Bearer ${app.token({ claims: { iss: spelledLocalhost } })}`);
    expectOutcome(res, invalidToken('wrong_issuer'));
    expect(debugLines()).toEqual([`refused invalid_token: wrong_issuer (token iss "${spelledLocalhost}"; trusted: "${app.jwks.issuer}")`]);
    const seenByClient = JSON.stringify({ body: res.body, headers: res.headers });
    expect(seenByClient).not.toContain(app.jwks.issuer);
    expect(seenByClient).not.toContain(spelledLocalhost);
  });

  it('escapes and bounds an iss that tries to forge log lines', async () => {
    app.logger.clear();
    const res = await app.get('/documents', `Bearer ${app.token({ claims: { iss: `https://evil.example.com\nrefused nothing "x"${'a'.repeat(500)}` } })}`);
    expectOutcome(res, invalidToken('wrong_issuer'));
    const [line] = debugLines();
    expect(line).toContain('token iss "https://evil.example.com\\u000arefused nothing \\"x\\"aaa');
    expect(line).toContain(`..."; trusted: "${app.jwks.issuer}")`);
    expect(line).not.toContain('\n');
    expect(line?.length).toBeLessThan(400);
  });

  it('says when the iss is absent or not a string', async () => {
    app.logger.clear();
    expectOutcome(await app.get('/documents', `Bearer ${app.token({ claims: { iss: undefined } })}`), invalidToken('wrong_issuer'));
    expectOutcome(await app.get('/documents', `Bearer ${app.token({ claims: { iss: 42 } })}`), invalidToken('wrong_issuer'));
    expect(debugLines()).toEqual([
      `refused invalid_token: wrong_issuer (token iss absent; trusted: "${app.jwks.issuer}")`,
      `refused invalid_token: wrong_issuer (token iss not a string (number); trusted: "${app.jwks.issuer}")`,
    ]);
  });

  it('adds nothing to the debug line of other refusals', async () => {
    app.logger.clear();
    expectOutcome(await app.get('/documents', `Bearer ${app.token({ claims: { aud: 'https://other.example.com' } })}`), invalidToken('wrong_audience'));
    expect(debugLines()).toEqual(['refused invalid_token: wrong_audience']);
  });
});

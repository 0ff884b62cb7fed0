import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogtoAuthCounters, LogtoAuthErrorCode } from '../../lib';
import { expectOutcome, headerMissing, invalidToken, jwksUnavailable } from '../helpers/expect-outcome';
import { ProtectedApi, startProtectedApi } from '../helpers/protected-api';
import { createTestKey } from '../helpers/keys';
import { ADAPTERS } from '../helpers/test-app';

// The counters are the module's public, read-only account of its work; tests and the bench read them
// instead of spying on internals, so they must count exactly.
describe.each(ADAPTERS)('LogtoAuthCounters over %s', (adapter) => {
  let app: ProtectedApi;
  let other: ProtectedApi;
  let counters: LogtoAuthCounters;
  beforeAll(async () => {
    const startedAt = Date.now();
    [app, other] = await Promise.all([startProtectedApi(adapter, { options: { jwksCooldownMs: 1_000 } }), startProtectedApi(adapter)]);
    counters = app.app.get(LogtoAuthCounters);
    expect(counters.lastGoodKeySetAt).toBeGreaterThanOrEqual(startedAt); // the helper's warm-up request fetched the keys
  });
  afterAll(() => Promise.all([app, other].map((target) => target?.close())));

  it('counts a full verification, then cache hits, and the refusals by code', async () => {
    const before = counters.snapshot();
    const token = app.token({ claims: { scope: 'read:documents' } });
    for (let i = 0; i < 3; i++) expect((await app.get('/documents', `Bearer ${token}`)).status).toBe(200);
    expectOutcome(await app.get('/documents'), headerMissing);
    expectOutcome(await app.get('/documents', `Bearer ${app.token({ claims: { exp: Math.floor(Date.now() / 1000) - 60 } })}`), invalidToken('expired'));
    const after = counters.snapshot();
    expect(after.verifications - before.verifications).toBe(2); // the good token once, the expired one
    expect(after.cacheHits - before.cacheHits).toBe(2);
    expect(after.cacheMisses - before.cacheMisses).toBe(2);
    expect(counters.refusals(LogtoAuthErrorCode.AuthorizationHeaderMissing)).toBe((before.refusals['auth.authorization_header_missing'] ?? 0) + 1);
    expect(after.refusals.invalid_token).toBe((before.refusals.invalid_token ?? 0) + 1);
    expect(counters.refusals()).toBe(Object.values(after.refusals).reduce((sum, count) => sum + count, 0));
    expect(after.jwksFetches).toBe(before.jwksFetches); // known key: no JWKS request
  });

  it('counts JWKS fetches and failures, and keeps the time of the last good key set through an outage', async () => {
    const before = counters.snapshot();
    app.jwks.set({ kind: 'status', status: 500 });
    try {
      const stranger = app.token({ key: createTestKey('ES384') }); // an unknown kid makes the module fetch
      expectOutcome(await app.get('/documents', `Bearer ${stranger}`), jwksUnavailable);
    } finally {
      app.jwks.setKeys([app.key.jwk]);
    }
    const after = counters.snapshot();
    expect(after.jwksFetches - before.jwksFetches).toBe(1);
    expect(after.jwksFetchFailures - before.jwksFetchFailures).toBe(1);
    expect(after.lastGoodKeySetAt).toBe(before.lastGoodKeySetAt);
    expect(after.refusals['auth.jwks_unavailable']).toBe((before.refusals['auth.jwks_unavailable'] ?? 0) + 1);
  });

  it('is one per module instance, and its snapshot is a copy', async () => {
    const mine = counters.snapshot();
    const theirs = other.app.get(LogtoAuthCounters);
    const theirsBefore = theirs.verifications;
    expect((await other.get('/documents', `Bearer ${other.token({ claims: { scope: 'read:documents' } })}`)).status).toBe(200);
    expect(theirs.verifications).toBe(theirsBefore + 1);
    expect(counters.snapshot()).toEqual(mine);
    (mine.refusals as Record<string, number>).invalid_token = -1;
    expect(counters.snapshot().refusals.invalid_token).not.toBe(-1);
  });
});

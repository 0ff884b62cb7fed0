import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { accepted, expectOutcome, invalidToken, jwksUnavailable } from '../helpers/expect-outcome';
import { ProtectedApi, startProtectedApi } from '../helpers/protected-api';
import { JwksBehaviour, JwksServer } from '../helpers/jwks-server';
import { createTestKey } from '../helpers/keys';
import { signAccessToken } from '../helpers/sign-token';
import { ADAPTERS } from '../helpers/test-app';

/** A JWKS outage: how it is caused, and whether the client has to wait for the deadline to notice it. */
interface Failure {
  readonly name: string;
  readonly cause: (jwks: JwksServer) => JwksBehaviour | 'stop';
  /** Only a deadline ends it (no answer, or an answer that never finishes). */
  readonly slow?: boolean;
}

const FAILURES: readonly Failure[] = [
  { name: 'connection refused', cause: () => 'stop' },
  { name: 'connection reset', cause: () => ({ kind: 'destroy' }) },
  { name: 'no answer (hang)', cause: () => ({ kind: 'hang' }), slow: true },
  { name: 'an answer that never finishes (trickle)', cause: () => ({ kind: 'trickle' }), slow: true },
  { name: 'HTTP 500', cause: () => ({ kind: 'status', status: 500 }) },
  { name: 'HTTP 503', cause: () => ({ kind: 'status', status: 503 }) },
  { name: 'HTTP 404', cause: () => ({ kind: 'status', status: 404 }) },
  { name: 'an HTML page', cause: () => ({ kind: 'body', contentType: 'text/html', body: '<html><body>Bad gateway</body></html>' }) },
  { name: 'invalid JSON', cause: () => ({ kind: 'body', contentType: 'application/json', body: '{"keys":[{"kty":' }) },
  { name: 'an empty object {}', cause: () => ({ kind: 'body', contentType: 'application/json', body: '{}' }) },
  { name: 'JSON null', cause: () => ({ kind: 'body', contentType: 'application/json', body: 'null' }) },
  { name: '"keys" that is not an array', cause: () => ({ kind: 'body', contentType: 'application/json', body: '{"keys":{"kty":"EC"}}' }) },
  { name: 'a body over 1 MiB', cause: () => ({ kind: 'large', bytes: 2 * 1024 * 1024, declareLength: false }) },
  { name: 'a redirect (never followed)', cause: (jwks) => ({ kind: 'redirect', location: `${jwks.endpoint}/moved/jwks` }) },
];

const SLOW_TIMEOUT_MS = 800; // the deadline the slow outages must hit
const FAST_TIMEOUT_MS = 3_000; // far above what a fast outage takes: answering under it shows nobody waited for it
const COOLDOWN_MS = 100; // retries after a failure wait min(1 s, cooldown)
const SLACK_MS = 1_500; // scheduling slack on a busy machine; the point is "bounded", not "fast"

const elapse = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)); // the cooldown is wall-clock time

async function timed<T>(action: () => PromiseLike<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await action();
  return { result, ms: performance.now() - started };
}

describe.each(ADAPTERS)('JWKS failure modes over %s', (adapter) => {
  let app: ProtectedApi | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const start = (failure: Failure, cold: boolean) =>
    startProtectedApi(adapter, {
      cold,
      options: { jwksTimeoutMs: failure.slow ? SLOW_TIMEOUT_MS : FAST_TIMEOUT_MS, jwksCooldownMs: COOLDOWN_MS },
    });
  const breakJwks = async (guarded: ProtectedApi, failure: Failure) => {
    const cause = failure.cause(guarded.jwks);
    if (cause === 'stop') await guarded.jwks.stop();
    else guarded.jwks.set(cause);
  };
  const expectTimely = (ms: number, failure: Failure) => {
    if (failure.slow) {
      expect(ms).toBeGreaterThanOrEqual(SLOW_TIMEOUT_MS - 5); // it did wait for the deadline ...
      expect(ms).toBeLessThan(SLOW_TIMEOUT_MS + SLACK_MS); // ... and not much longer
    } else {
      expect(ms).toBeLessThan(FAST_TIMEOUT_MS); // it did not wait for a deadline at all
    }
  };

  describe.each(FAILURES)('$name', (failure) => {
    it('cold cache: 503 auth.jwks_unavailable with Retry-After within the timeout, then recovers', async () => {
      app = await start(failure, true);
      const token = app.token();
      await breakJwks(app, failure);

      const first = await timed(() => app!.get('/documents', `Bearer ${token}`));
      expectOutcome(first.result, jwksUnavailable);
      expect(first.result.headers['retry-after']).toBe('1');
      expectTimely(first.ms, failure);
      expect(app.jwks.requests).toBe(failure.cause(app.jwks) === 'stop' ? 0 : 1);

      // within the retry window: answered from memory, no second request to the broken endpoint
      expectOutcome(await app.get('/documents', `Bearer ${token}`), jwksUnavailable);
      expect(app.jwks.requests).toBeLessThanOrEqual(1);
      expect(app.jwks.strayRequests).toEqual([]); // a redirect is not followed
      expect(app.logger.matching('JWKS unreachable')).toHaveLength(1);

      if (failure.cause(app.jwks) === 'stop') await app.jwks.restart();
      app.jwks.setKeys([app.key.jwk]);
      await elapse(COOLDOWN_MS);
      expectOutcome(await app.get('/documents', `Bearer ${token}`), accepted);
      expect(app.logger.matching('JWKS reachable again')).toHaveLength(1);
      expectCleanLogs(app, [token]);
    });

    it('warm cache: known keys keep verifying; an unknown kid gets 503, not 401', async () => {
      app = await start(failure, false);
      const token = app.token();
      const rotated = createTestKey('ES384');
      const unknownKidToken = signAccessToken({ key: rotated, issuer: app.jwks.issuer });
      await breakJwks(app, failure);
      await elapse(COOLDOWN_MS); // past the warm-up fetch's cooldown: the unknown kid may refetch

      const unknown = await timed(() => app!.get('/documents', `Bearer ${unknownKidToken}`));
      expectOutcome(unknown.result, jwksUnavailable);
      expectTimely(unknown.ms, failure);
      expect(app.jwks.requests).toBe(failure.cause(app.jwks) === 'stop' ? 0 : 1);

      const known = await timed(() => app!.get('/documents', `Bearer ${token}`));
      expectOutcome(known.result, accepted); // the last good key set
      expect(known.ms).toBeLessThan(failure.slow ? SLOW_TIMEOUT_MS : FAST_TIMEOUT_MS); // no waiting on the broken endpoint
      expect(app.logger.matching('verifying with the last good key set')).toHaveLength(1);
      expect(app.jwks.strayRequests).toEqual([]);
      expectCleanLogs(app, [token, unknownKidToken]);
    });
  });

  it('retries after a failure: every second while no key is known, once per cooldown once keys are known', async () => {
    const cooldownMs = 2_000; // well above the one-second cold retry, so the two can be told apart
    app = await startProtectedApi(adapter, { cold: true, options: { jwksTimeoutMs: FAST_TIMEOUT_MS, jwksCooldownMs: cooldownMs } });
    const { jwks } = app;
    const token = app.token();
    const unknownKidToken = signAccessToken({ key: createTestKey('ES384'), issuer: jwks.issuer });
    jwks.set({ kind: 'status', status: 503 });

    // cold: nothing can be verified, so the issuer is asked again after a second, not after the cooldown
    const first = await app.get('/documents', `Bearer ${token}`);
    expectOutcome(first, jwksUnavailable);
    expect(first.headers['retry-after']).toBe('1');
    await elapse(1_050);
    expectOutcome(await app.get('/documents', `Bearer ${token}`), jwksUnavailable);
    expect(jwks.requests).toBe(2);

    jwks.setKeys([app.key.jwk]);
    await elapse(1_050);
    expectOutcome(await app.get('/documents', `Bearer ${token}`), accepted);
    expect(jwks.requests).toBe(3);

    // warm: an unknown kid during an outage refetches once per cooldown, like any unknown kid
    jwks.set({ kind: 'status', status: 503 });
    await elapse(cooldownMs);
    const unknown = await app.get('/documents', `Bearer ${unknownKidToken}`);
    expectOutcome(unknown, jwksUnavailable);
    expect(unknown.headers['retry-after']).toBe('2'); // a whole cooldown from the failure
    expect(jwks.requests).toBe(4);
    await elapse(1_050);
    expectOutcome(await app.get('/documents', `Bearer ${unknownKidToken}`), jwksUnavailable);
    expectOutcome(await app.get('/documents', `Bearer ${token}`), accepted);
    expect(jwks.requests).toBe(4);
    expect(app.logger.matching('JWKS unreachable')).toHaveLength(2);
    expect(app.logger.matching('JWKS reachable again')).toHaveLength(1);
  });

  it('an expired cache during an outage: the known key still verifies, and only the first request waits', async () => {
    app = await startProtectedApi(adapter, {
      options: { jwksTimeoutMs: SLOW_TIMEOUT_MS, jwksCooldownMs: COOLDOWN_MS, jwksCacheMaxAgeMs: 1_000 },
    });
    const token = app.token();
    app.jwks.set({ kind: 'hang' });
    await elapse(1_000); // the minimum cache age: the next request must try a refresh

    const first = await timed(() => app!.get('/documents', `Bearer ${token}`));
    expectOutcome(first.result, accepted);
    expectTimely(first.ms, { name: 'hang', cause: () => ({ kind: 'hang' }), slow: true });
    expect(app.jwks.requests).toBe(1);

    await elapse(COOLDOWN_MS); // a retry is due; it runs in the background
    const during = await Promise.all(Array.from({ length: 5 }, () => timed(() => app!.get('/documents', `Bearer ${token}`))));
    for (const { result, ms } of during) {
      expectOutcome(result, accepted);
      expect(ms).toBeLessThan(SLOW_TIMEOUT_MS);
    }
    expect(app.jwks.requests).toBe(2); // one background retry for all five

    const rotated = createTestKey('ES384');
    app.jwks.setKeys([rotated.jwk]); // the issuer is back, and has replaced the old key
    await elapse(SLOW_TIMEOUT_MS + COOLDOWN_MS); // the hanging retry has given up; the next may start
    // the first request after recovery may still be served from the last good set while the refresh runs
    await expect.poll(() => app!.get('/documents', `Bearer ${token}`).then((r) => r.status), { timeout: 3_000 }).toBe(401);
    expectOutcome(await app.get('/documents', `Bearer ${token}`), invalidToken('unknown_key'));
    expectOutcome(await app.get('/documents', `Bearer ${signAccessToken({ key: rotated, issuer: app.jwks.issuer })}`), accepted);
    expect(app.logger.matching('JWKS reachable again')).toHaveLength(1);
    expectCleanLogs(app, [token]);
  });
});

const MIB = 1024 * 1024;

describe.each(ADAPTERS)('the JWKS request is bounded over %s', (adapter) => {
  let app: ProtectedApi | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('a JWKS that trickles bytes forever holds no socket past the deadline', async () => {
    const timeoutMs = 300;
    app = await startProtectedApi(adapter, { cold: true, options: { jwksTimeoutMs: timeoutMs } });
    app.jwks.set({ kind: 'trickle' });
    const { result, ms } = await timed(() => app!.get('/documents', `Bearer ${app!.token()}`));
    expectOutcome(result, jwksUnavailable);
    expect(ms).toBeLessThan(timeoutMs + SLACK_MS);
    // the server sees its socket closed: the request was aborted, not merely abandoned while it trickles on
    await expect.poll(() => app!.jwks.openConnections, { timeout: 500, interval: 20 }).toBe(0);
    expect(app.logger.matching(`no complete answer within ${timeoutMs} ms`)).toHaveLength(1);
  });

  it.each([
    ['with Content-Length', true],
    ['chunked, without Content-Length', false],
  ])('a 50 MiB answer (%s) is refused without being read whole', async (_, declareLength) => {
    app = await startProtectedApi(adapter, { cold: true, options: { jwksTimeoutMs: 10_000 } });
    app.jwks.set({ kind: 'large', bytes: 50 * MIB, declareLength });
    expectOutcome(await app.get('/documents', `Bearer ${app.token()}`), jwksUnavailable);
    await expect.poll(() => app!.jwks.openConnections, { timeout: 1_000, interval: 20 }).toBe(0);
    // the client went away after about 1 MiB (plus what the socket buffers held), not after 50
    expect(app.jwks.largeBodyWritten).toBeLessThan(8 * MIB);
    expect(app.logger.matching('the response is larger than 1048576 bytes')).toHaveLength(1);
  });
});

describe.each(ADAPTERS)('a well-formed key set is the truth, over %s', (adapter) => {
  let app: ProtectedApi | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it.each([
    ['an empty key set', () => []],
    ['only keys the module cannot use', (jwk: object) => [{ kty: 'oct', kid: 'hmac', k: 'c2VjcmV0' }, { ...jwk, use: 'enc' }]],
  ])('%s: the keys it no longer has stop verifying at once (401, not the last set, not 503)', async (_, published) => {
    app = await startProtectedApi(adapter); // the default 30 s cooldown: the withdrawn key's token causes no fetch
    const unknownKidToken = signAccessToken({ key: createTestKey('ES384'), issuer: app.jwks.issuer });
    app.jwks.setKeys(published(app.key.jwk));
    expectOutcome(await app.get('/documents', `Bearer ${unknownKidToken}`), invalidToken('unknown_key')); // the refresh
    expectOutcome(await app.get('/documents', `Bearer ${app.token()}`), invalidToken('unknown_key')); // the withdrawn key
    expect(app.jwks.requests).toBe(1);
    expect(app.logger.matching('publishes no usable signing key')).toHaveLength(1);
    expect(app.logger.matching('JWKS unreachable')).toHaveLength(0);
  });

  it('through an outage, the last good key set verifies for jwksStaleMaxAgeMs past its refresh, then is dropped (503)', async () => {
    app = await startProtectedApi(adapter, {
      options: { jwksTimeoutMs: FAST_TIMEOUT_MS, jwksCooldownMs: COOLDOWN_MS, jwksCacheMaxAgeMs: 1_000, jwksStaleMaxAgeMs: 1_000 },
    });
    const token = app.token();
    app.jwks.set({ kind: 'status', status: 503 });
    await elapse(1_100); // due: the refresh fails and the last good set is kept
    expectOutcome(await app.get('/documents', `Bearer ${token}`), accepted);
    expect(app.logger.matching('verifying with the last good key set')).toHaveLength(1);
    await elapse(1_000); // past the key set's age plus the stale maximum age
    expectOutcome(await app.get('/documents', `Bearer ${token}`), jwksUnavailable);
    expect(app.logger.matching('past its stale maximum age')).toHaveLength(1);

    app.jwks.setKeys([app.key.jwk]); // the issuer is back: a second later at most (no key: the cold retry)
    await elapse(1_000);
    expectOutcome(await app.get('/documents', `Bearer ${token}`), accepted);
  });
});

/** The logs name the outage and never carry a token or key material. */
function expectCleanLogs(app: ProtectedApi, tokens: readonly string[]) {
  const transcript = app.logger.transcript;
  for (const token of tokens) {
    for (const part of token.split('.')) expect(transcript).not.toContain(part);
  }
  for (const value of [app.key.jwk.x, app.key.jwk.y, app.key.jwk.d]) {
    if (value) expect(transcript).not.toContain(value);
  }
  expect(transcript).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/); // nothing that looks like a JOSE header
  expect(transcript).not.toContain('<html>'); // nor the body of a broken answer
}

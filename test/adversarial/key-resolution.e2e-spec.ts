import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { accepted, expectOutcome, invalidToken, jwksUnavailable } from '../helpers/expect-outcome';
import { ProtectedApi, startProtectedApi } from '../helpers/protected-api';
import { hammer } from '../helpers/hammer';
import { createTestKey } from '../helpers/keys';
import { b64url, hmacJws, signAccessToken, TEST_AUDIENCE } from '../helpers/sign-token';
import { ADAPTERS } from '../helpers/test-app';
import { LOGTO_AUTH_FAILURES } from '../../lib/errors/logto-auth.failures';
import { LogtoAuthException } from '../../lib';
import { AccessTokenVerifier } from '../../lib/token/access-token.verifier';

const HTTP_FLOOD_SIZE = 1_000; // through both HTTP stacks
const STRATEGY_FLOOD_SIZE = 10_000; // through the real verifier and key resolver, without sockets
const COOLDOWN_MS = 250;

/** Well-formed tokens that pass every cheap check, each naming a kid nobody published (signature: noise). */
function* randomKidTokens(issuer: string, count: number): Generator<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload = b64url({ iss: issuer, sub: 'user-1', aud: TEST_AUDIENCE, exp: now + 3600, iat: now, jti: 'jti-flood', client_id: 'app-1' });
  const signature = randomBytes(96).toString('base64url');
  for (let i = 0; i < count; i++) {
    yield `Bearer ${b64url({ alg: 'ES384', typ: 'at+jwt', kid: randomUUID() })}.${payload}.${signature}`;
  }
}

const unknownKeyChallenge = `Bearer realm="api", error="invalid_token", error_description="${LOGTO_AUTH_FAILURES.unknown_key.description}"`;

describe.each(ADAPTERS)('key resolution over %s', (adapter) => {
  let app: ProtectedApi | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('100 concurrent requests on a cold cache make exactly 1 JWKS request', async () => {
    app = await startProtectedApi(adapter, { cold: true });
    app.jwks.set({ kind: 'keys', keys: [app.key.jwk], delayMs: 500 }); // all 100 arrive while the fetch runs
    const token = app.token();
    const responses = await Promise.all(Array.from({ length: 100 }, () => app!.get('/documents', `Bearer ${token}`)));
    responses.forEach((response) => expectOutcome(response, accepted));
    expect(app.jwks.requests).toBe(1);
  });

  it('100 concurrent requests on a cold cache against a hanging JWKS: 1 request, 100 times 503', async () => {
    // a long deadline, so that all 100 arrive while the one fetch hangs, even on a busy machine
    app = await startProtectedApi(adapter, { cold: true, options: { jwksTimeoutMs: 1_500 } });
    app.jwks.set({ kind: 'hang' });
    const token = app.token();
    const responses = await Promise.all(Array.from({ length: 100 }, () => app!.get('/documents', `Bearer ${token}`)));
    responses.forEach((response) => expectOutcome(response, jwksUnavailable));
    expect(app.jwks.requests).toBe(1);
  });

  it('cheap checks refuse before any key lookup: no JWKS request at all', async () => {
    app = await startProtectedApi(adapter, { cold: true });
    const { jwks } = app;
    const now = Math.floor(Date.now() / 1000);
    const cheapRefusals: [string, ReturnType<typeof invalidToken>][] = [
      ['opaque', invalidToken('opaque_token')],
      ['a.b', invalidToken('malformed_token')],
      [withHmac(app.token({ header: { alg: 'HS256' } })), invalidToken('algorithm_not_allowed')],
      [app.token({ alg: 'ES384', header: { alg: 'RS384' } }), invalidToken('algorithm_not_allowed')],
      [app.token({ header: { typ: 'JWT' } }), invalidToken('wrong_token_type')],
      [app.token({ header: { crit: ['exp'] } }), invalidToken('unsupported_critical_header')],
      [app.token({ header: { kid: 7 } }), invalidToken('malformed_token')],
      [app.token({ claims: { iss: 'https://not-configured.example.com/oidc' } }), invalidToken('wrong_issuer')],
      [app.token({ claims: { exp: now - 3600 } }), invalidToken('expired')],
      [app.token({ claims: { exp: undefined } }), invalidToken('invalid_claims')],
      [app.token({ claims: { nbf: now + 3600 } }), invalidToken('not_yet_valid')],
      [app.token({ claims: { iat: now + 3600 } }), invalidToken('issued_in_future')],
    ];
    for (const [token, outcome] of cheapRefusals) expectOutcome(await app.get('/documents', `Bearer ${token}`), outcome);
    expect(jwks.requests).toBe(0);
    expectOutcome(await app.get('/documents', `Bearer ${app.token()}`), accepted); // and the first real one fetches
    expect(jwks.requests).toBe(1);
  });

  it('a random-kid flood costs at most one fetch per cooldown, and a key rotated in meanwhile is accepted after one window', async () => {
    app = await startProtectedApi(adapter, { options: { jwksCooldownMs: COOLDOWN_MS } });
    const { jwks } = app;
    const rotated = createTestKey('ES384');
    const rotatedToken = signAccessToken({ key: rotated, issuer: jwks.issuer });
    const started = performance.now();
    const flood = hammer(app.port, '/documents', randomKidTokens(jwks.issuer, HTTP_FLOOD_SIZE));

    const floodEndedAt = flood.then(() => performance.now());

    // while the flood runs, the issuer publishes a new key and a real client starts using it
    jwks.setKeys([app.key.jwk, rotated.jwk]);
    const fetchesAtPublication = fetchCount(app);
    let fetchesUntilAccepted: number | undefined;
    while (fetchesUntilAccepted === undefined) {
      const response = await app.get('/documents', `Bearer ${rotatedToken}`);
      if (response.status === 200) fetchesUntilAccepted = fetchCount(app) - fetchesAtPublication;
      else expectOutcome(response, invalidToken('unknown_key')); // never a 5xx
    }
    const { tally, total } = await flood;
    const floodMs = (await floodEndedAt) - started;

    expect(total).toBe(HTTP_FLOOD_SIZE);
    expect(Object.fromEntries(tally)).toEqual({ [`401 invalid_token ${unknownKeyChallenge}`]: HTTP_FLOOD_SIZE });
    expectAtMostOneFetchPerWindow(app, floodMs);
    // the flood did not starve the new key: the first fetch that started after publication brought it.
    // Counted when the 200 came back: one fetch may have been in flight at publication, and one more may
    // have started while the 200 travelled back; more would mean the flood kept the new key out.
    expect(fetchesUntilAccepted).toBeLessThanOrEqual(3);
    // floods are logged at most once per window (whether a window reaches the threshold depends on the
    // machine's speed; the verifier-level flood below proves the log itself), without a kid or a token
    const floodLogs = app.logger.matching('unknown key ids refused without refetching');
    expect(floodLogs.length).toBeLessThanOrEqual(jwks.requests + 1);
    expect(floodLogs.every((entry) => entry.level === 'warn' && entry.context === 'LogtoAuth')).toBe(true);
    expect(app.logger.transcript).not.toMatch(/eyJ|[0-9a-f]{8}-[0-9a-f]{4}-/);
  });
});

describe.each(ADAPTERS)('key set refresh and the unknown-kid cooldown over %s', (adapter) => {
  let app: ProtectedApi | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await app?.close();
    app = undefined;
  });
  const elapse = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('a key removed from the JWKS is refused once the key set is due (jwksCacheMaxAgeMs), cooldown or not', async () => {
    app = await startProtectedApi(adapter, { options: { jwksCacheMaxAgeMs: 1_000, jwksCooldownMs: 3_600_000 } });
    const token = app.token();
    const unknownKidToken = signAccessToken({ key: createTestKey('ES384'), issuer: app.jwks.issuer });
    expectOutcome(await app.get('/documents', `Bearer ${unknownKidToken}`), invalidToken('unknown_key')); // starts the cooldown
    app.jwks.setKeys([createTestKey('ES384').jwk]); // the issuer withdraws the key
    await elapse(1_100);
    expectOutcome(await app.get('/documents', `Bearer ${token}`), invalidToken('unknown_key'));
    expect(app.jwks.requests).toBe(2); // the due refresh, inside the hour-long cooldown
  });

  it('a key rotated a second after a routine fetch works at once; random kids after it cost no fetch', async () => {
    app = await startProtectedApi(adapter, { options: { jwksCooldownMs: 30_000 } }); // the warm-up: a routine fetch
    const rotated = createTestKey('ES384');
    await elapse(1_000);
    app.jwks.setKeys([app.key.jwk, rotated.jwk]);
    await elapse(1_000);
    expectOutcome(await app.get('/documents', `Bearer ${signAccessToken({ key: rotated, issuer: app.jwks.issuer })}`), accepted);
    expect(app.jwks.requests).toBe(1);
    for (const authorization of randomKidTokens(app.jwks.issuer, 50)) {
      expectOutcome(await app.get('/documents', authorization), invalidToken('unknown_key'));
    }
    expect(app.jwks.requests).toBe(1); // the unknown-kid fetch above started the cooldown
  });

  it('a wall clock stepped forward does not open the flood gate: windows are on the monotonic clock', async () => {
    app = await startProtectedApi(adapter, { options: { jwksCooldownMs: 30_000 } });
    const [first] = randomKidTokens(app.jwks.issuer, 1);
    expectOutcome(await app.get('/documents', first), invalidToken('unknown_key')); // starts the cooldown
    const fetchesBeforeStep = app.jwks.requests;
    const realNow = Date.now.bind(Date);
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + 3_600_000); // an hour ahead, at once
    for (const authorization of randomKidTokens(app.jwks.issuer, 20)) {
      expectOutcome(await app.get('/documents', authorization), invalidToken('unknown_key'));
    }
    expect(app.jwks.requests).toBe(fetchesBeforeStep);
  });

  it('a wall clock stepped back does not freeze the key set: a removed key is refused when the set is due', async () => {
    app = await startProtectedApi(adapter, { options: { jwksCacheMaxAgeMs: 1_000 } });
    const realNow = Date.now.bind(Date);
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() - 3_600_000); // an hour back, at once
    const token = app.token(); // signed on the stepped clock, so that its iat is not in the future
    expectOutcome(await app.get('/documents', `Bearer ${token}`), accepted);
    app.jwks.setKeys([createTestKey('ES384').jwk]);
    await elapse(1_100);
    expectOutcome(await app.get('/documents', `Bearer ${token}`), invalidToken('unknown_key'));
    expect(app.jwks.requests).toBe(1);
  });
  it('a wall clock stepped back during an outage neither stretches Retry-After nor delays the retry', async () => {
    app = await startProtectedApi(adapter, { cold: true, options: { jwksCooldownMs: 2_000 } });
    app.jwks.set({ kind: 'status', status: 503 });
    const first = await app.get('/documents', `Bearer ${app.token()}`);
    expectOutcome(first, jwksUnavailable);
    expect(first.headers['retry-after']).toBe('1'); // no key known: retried after a second
    const realNow = Date.now.bind(Date);
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() - 3_600_000);
    const during = await app.get('/documents', `Bearer ${app.token()}`);
    expectOutcome(during, jwksUnavailable);
    expect(during.headers['retry-after']).toBe('1');
    app.jwks.setKeys([app.key.jwk]);
    await elapse(1_050);
    expectOutcome(await app.get('/documents', `Bearer ${app.token()}`), accepted);
    expect(app.jwks.requests).toBe(2);
  });
});

describe('a 10,000-token random-kid flood through the real verifier and key resolver', () => {
  const cooldownMs = 100; // small, so that the flood spans several windows
  const batchSize = 100; // settled together: the flood keeps the event loop busy the whole time
  // The attacker paces the 100 batches so that the flood spans about ten windows however fast the machine
  // is; the key is rotated a third of the way in.
  const pauseBetweenBatchesMs = 10;
  const rotateAtBatch = 33;

  it('costs at most one fetch per window, refuses every flood token, and lets a rotated key in after one window', async () => {
    const app = await startProtectedApi('express', { options: { jwksCooldownMs: cooldownMs } });
    try {
      const verifier = app.app.get(AccessTokenVerifier);
      const rotated = createTestKey('ES384');
      const rotatedToken = signAccessToken({ key: rotated, issuer: app.jwks.issuer });
      const floodReasons = new Map<string, number>();
      let publishedAt: number | undefined;
      let rotatedAcceptedAt: number | undefined;
      let fetchesAtPublication = 0;
      let fetchesUntilAccepted = Infinity;
      const started = performance.now();
      let batch: string[] = [];
      let batchesSent = 0;
      const settle = async () => {
        const tokens = publishedAt !== undefined && rotatedAcceptedAt === undefined ? [...batch, rotatedToken] : batch;
        const outcomes = await Promise.all(
          tokens.map((token) => verifier.verify(token).then(({ user }) => ({ user, error: undefined }), (error: unknown) => ({ user: undefined, error }))),
        );
        outcomes.forEach(({ error, user }, i) => {
          if (tokens[i] === rotatedToken) {
            if (user) {
              rotatedAcceptedAt = performance.now();
              fetchesUntilAccepted = fetchCount(app) - fetchesAtPublication;
            }
            return;
          }
          const reason = user ? 'accepted' : error instanceof LogtoAuthException ? error.reason : String(error);
          floodReasons.set(reason, (floodReasons.get(reason) ?? 0) + 1);
        });
        batch = [];
      };
      for (const authorization of randomKidTokens(app.jwks.issuer, STRATEGY_FLOOD_SIZE)) {
        batch.push(authorization.slice('Bearer '.length));
        if (batch.length < batchSize) continue;
        await settle();
        await new Promise((resolve) => setTimeout(resolve, pauseBetweenBatchesMs));
        if (++batchesSent === rotateAtBatch) {
          app.jwks.setKeys([app.key.jwk, rotated.jwk]); // the issuer rotates in the middle of the flood
          publishedAt = performance.now();
          fetchesAtPublication = fetchCount(app);
        }
      }
      await settle();
      const floodMs = performance.now() - started;

      expect(Object.fromEntries(floodReasons)).toEqual({ unknown_key: STRATEGY_FLOOD_SIZE });
      expectAtMostOneFetchPerWindow(app, floodMs, cooldownMs);
      expect(app.jwks.requests).toBeGreaterThanOrEqual(2); // the flood did span several windows
      // the flood did not use up the budget the new key needs: it got in within a window (plus a batch)
      expect(publishedAt).toBeDefined();
      expect(rotatedAcceptedAt).toBeDefined();
      // the first fetch after publication let it in (counted after its batch settled: one more may have started)
      expect(fetchesUntilAccepted).toBeLessThanOrEqual(2);
      expect(app.logger.matching('unknown key ids refused without refetching').length).toBeGreaterThanOrEqual(1);
      expect(app.logger.transcript).not.toMatch(/eyJ|[0-9a-f]{8}-[0-9a-f]{4}-/);
    } finally {
      await app.close();
    }
  });
});

/** Fetches the resolver has started (its debug log line), the warm-up included. */
function fetchCount(app: ProtectedApi): number {
  return app.logger.matching('JWKS: fetching').length;
}

/**
 * At most one fetch per window. Exact: n fetches a cooldown apart need (n - 1) cooldowns, so a flood
 * of any size lasting `floodMs` cannot cause more than floodMs / cooldown + 1. Sanity: no two flood fetch
 * starts (taken from the resolver's debug log) closer than half a cooldown; the slack is for a busy
 * 2-core machine, where the process can be descheduled between reading the clock and logging.
 */
function expectAtMostOneFetchPerWindow(app: ProtectedApi, floodMs: number, cooldownMs = COOLDOWN_MS) {
  const starts = app.logger.matching('JWKS: fetching').map((entry) => entry.at);
  expect(starts.length).toBe(app.jwks.requests + 1); // + the warm-up fetch, before the count was reset
  expect(app.jwks.requests).toBeLessThanOrEqual(Math.floor(floodMs / cooldownMs) + 1);
  // the warm-up is a routine fetch: it does not start the cooldown, so the flood's first fetch may follow it at once
  const floodFetches = starts.slice(1);
  floodFetches.slice(1).forEach((start, i) => expect(start - floodFetches[i]).toBeGreaterThanOrEqual(cooldownMs / 2));
}

function withHmac(token: string): string {
  const [header, payload] = token.split('.');
  return `${header}.${payload}.${hmacJws(`${header}.${payload}`, 'public key as secret')}`;
}

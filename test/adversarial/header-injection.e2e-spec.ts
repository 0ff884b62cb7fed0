import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accepted, expectOutcome, invalidToken, Outcome } from '../helpers/expect-outcome';
import { ProtectedApi, startProtectedApi } from '../helpers/protected-api';
import { JwksServer, startJwksServer } from '../helpers/jwks-server';
import { createTestKey, TestKey } from '../helpers/keys';
import { b64url, signAccessToken, signJws } from '../helpers/sign-token';
import { ADAPTERS } from '../helpers/test-app';

const published = createTestKey('ES384');
const attacker = createTestKey('ES384', 'attacker-key');
const impostor = createTestKey('ES384', published.kid); // the attacker's key under the published kid

interface Case {
  readonly name: string;
  readonly token: (issuer: string, attackerJwks: JwksServer) => string;
  readonly outcome: Outcome;
}

const token = (issuer: string, key: TestKey, header: Record<string, unknown>) => signAccessToken({ key, issuer, header });
const rawHeaderToken = (issuer: string, key: TestKey, headerJson: string) => {
  const [, payload] = signAccessToken({ key, issuer }).split('.');
  const input = `${b64url(headerJson)}.${payload}`;
  return `${input}.${signJws(input, key)}`;
};

const CASES: readonly Case[] = [
  // keys that point elsewhere are never fetched, never used (RFC 8725 §3.10)
  { name: 'jwk: the attacker key embedded, attacker kid', token: (iss) => token(iss, attacker, { jwk: attacker.jwk }), outcome: invalidToken('unknown_key') },
  { name: 'jwk: the attacker key embedded, published kid', token: (iss) => token(iss, impostor, { jwk: impostor.jwk }), outcome: invalidToken('bad_signature') },
  { name: 'jwk: embedded without any kid', token: (iss) => token(iss, attacker, { jwk: attacker.jwk, kid: undefined }), outcome: invalidToken('malformed_token') },
  { name: 'jku: a JWKS URL serving the attacker key', token: (iss, evil) => token(iss, attacker, { jku: evil.jwksUri }), outcome: invalidToken('unknown_key') },
  { name: 'jku: with the published kid', token: (iss, evil) => token(iss, impostor, { jku: evil.jwksUri }), outcome: invalidToken('bad_signature') },
  { name: 'x5u: a certificate URL', token: (iss, evil) => token(iss, attacker, { x5u: `${evil.endpoint}/cert.pem` }), outcome: invalidToken('unknown_key') },
  { name: 'x5c: an embedded chain', token: (iss) => token(iss, impostor, { x5c: [b64url('not a certificate')] }), outcome: invalidToken('bad_signature') },
  { name: 'jku, x5u and jwk on a validly signed token (ignored)', token: (iss, evil) => token(iss, published, { jku: evil.jwksUri, x5u: `${evil.endpoint}/c`, jwk: attacker.jwk }), outcome: accepted },
  // kid is an opaque lookup key, never a path or a query
  { name: 'kid with path traversal', token: (iss) => token(iss, attacker, { kid: '../../../../etc/passwd' }), outcome: invalidToken('unknown_key') },
  { name: 'kid with a URL', token: (iss, evil) => token(iss, attacker, { kid: evil.jwksUri }), outcome: invalidToken('unknown_key') },
  { name: 'kid with SQL text', token: (iss) => token(iss, attacker, { kid: "x' OR '1'='1'; DROP TABLE keys; --" }), outcome: invalidToken('unknown_key') },
  { name: 'kid with a NUL character', token: (iss) => token(iss, attacker, { kid: `${published.kid}\u0000` }), outcome: invalidToken('unknown_key') },
  { name: 'kid __proto__', token: (iss) => token(iss, attacker, { kid: '__proto__' }), outcome: invalidToken('unknown_key') },
  { name: 'kid constructor', token: (iss) => token(iss, attacker, { kid: 'constructor' }), outcome: invalidToken('unknown_key') },
  { name: 'kid as a number', token: (iss) => token(iss, published, { kid: 1 }), outcome: invalidToken('malformed_token') },
  { name: 'kid as an array holding the published kid', token: (iss) => token(iss, published, { kid: [published.kid] }), outcome: invalidToken('malformed_token') },
  { name: 'kid as an object', token: (iss) => token(iss, published, { kid: { $ne: null } }), outcome: invalidToken('malformed_token') },
  { name: 'kid null', token: (iss) => token(iss, published, { kid: null }), outcome: invalidToken('malformed_token') },
  { name: 'kid empty', token: (iss) => token(iss, published, { kid: '' }), outcome: invalidToken('malformed_token') },
  { name: 'kid of 257 characters', token: (iss) => token(iss, published, { kid: 'k'.repeat(257) }), outcome: invalidToken('malformed_token') },
  // crit and b64 (RFC 7515 §4.1.11, RFC 7797): extensions we do not implement are refused
  { name: 'crit naming exp', token: (iss) => token(iss, published, { crit: ['exp'], exp: 1 }), outcome: invalidToken('unsupported_critical_header') },
  { name: 'crit empty', token: (iss) => token(iss, published, { crit: [] }), outcome: invalidToken('unsupported_critical_header') },
  { name: 'b64: false under crit', token: (iss) => token(iss, published, { b64: false, crit: ['b64'] }), outcome: invalidToken('unsupported_critical_header') },
  { name: 'b64: false without crit', token: (iss) => token(iss, published, { b64: false }), outcome: invalidToken('unsupported_critical_header') },
  // prototype keys in the header are inert data
  {
    name: '__proto__ in the header naming alg none',
    token: (iss) => rawHeaderToken(iss, published, `{"alg":"ES384","typ":"at+jwt","kid":"${published.kid}","__proto__":{"alg":"none"}}`),
    outcome: accepted,
  },
  {
    name: 'cty JWT with a nested token as the payload',
    token: (iss) => {
      const inner = token(iss, published, {});
      const input = `${b64url({ alg: 'ES384', typ: 'at+jwt', kid: published.kid, cty: 'JWT' })}.${b64url(inner)}`;
      return `${input}.${signJws(input, published)}`;
    },
    outcome: invalidToken('malformed_token'),
  },
];

describe.each(ADAPTERS)('adversarial header injection over %s', (adapter) => {
  let app: ProtectedApi;
  let attackerJwks: JwksServer;

  beforeAll(async () => {
    attackerJwks = await startJwksServer([attacker.jwk, impostor.jwk]);
    app = await startProtectedApi(adapter, { keys: [published] });
  });
  afterAll(async () => {
    await app?.close();
    await attackerJwks?.close();
  });

  it.each(CASES)('$name', async ({ token, outcome }) => {
    expectOutcome(await app.get('/documents', `Bearer ${token(app.jwks.issuer, attackerJwks)}`), outcome);
    expect(attackerJwks.requests).toBe(0);
    expect(attackerJwks.strayRequests).toEqual([]);
    expect(app.jwks.strayRequests).toEqual([]);
  });

  it('made no request to the URLs in the tokens, and at most one refetch of the real JWKS (then the cooldown)', async () => {
    for (const { token } of CASES) await app.get('/documents', `Bearer ${token(app.jwks.issuer, attackerJwks)}`); // on its own, too
    expect(attackerJwks.requests + attackerJwks.strayRequests.length).toBe(0);
    expect(app.jwks.requests).toBeLessThanOrEqual(1); // counted since the warm-up
    expect(app.jwks.strayRequests).toEqual([]);
  });

  it('fetches keys only from the configured JWKS, even when every unknown kid may refetch', async () => {
    const eager = await startProtectedApi(adapter, { keys: [published], cold: true, options: { jwksCooldownMs: 0 } });
    try {
      for (const header of [{ jku: attackerJwks.jwksUri }, { x5u: `${attackerJwks.endpoint}/cert.pem` }, { jwk: attacker.jwk }]) {
        expectOutcome(await eager.get('/documents', `Bearer ${token(eager.jwks.issuer, attacker, header)}`), invalidToken('unknown_key'));
      }
      expect(eager.jwks.requests).toBe(3); // one per unknown kid: cooldown 0
      expect(eager.jwks.strayRequests).toEqual([]);
      expect(attackerJwks.requests + attackerJwks.strayRequests.length).toBe(0);
    } finally {
      await eager.close();
    }
  });
});

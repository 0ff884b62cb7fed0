import { sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accepted, expectOutcome, invalidToken, Outcome } from '../helpers/expect-outcome';
import { ProtectedApi, startProtectedApi } from '../helpers/protected-api';
import { createTestKey, TestKey } from '../helpers/keys';
import { b64url, hmacJws, signAccessToken, signJws } from '../helpers/sign-token';
import { ADAPTERS } from '../helpers/test-app';

const es384 = createTestKey('ES384');
const es256 = createTestKey('ES256');
const rs256 = createTestKey('RS256');
const attackerEs384 = createTestKey('ES384', es384.kid); // same kid as the published key, another private key
const attackerEs256 = createTestKey('ES256');

interface Case {
  readonly name: string;
  readonly token: (issuer: string) => string;
  readonly outcome: Outcome;
}

const token = (issuer: string, key: TestKey, header: Record<string, unknown> = {}, alg?: string) =>
  signAccessToken({ key, issuer, header, alg });
/** A token whose header says `alg` and whose signature is whatever `signature` makes of the signing input. */
const withSignature = (issuer: string, header: Record<string, unknown>, signature: (input: string) => string) => {
  const [h, p] = token(issuer, es384, header).split('.');
  return `${h}.${p}.${signature(`${h}.${p}`)}`;
};
const replaceSignature = (jwt: string, change: (signature: Buffer) => Buffer) => {
  const [h, p, s] = jwt.split('.');
  return `${h}.${p}.${change(Buffer.from(s, 'base64url')).toString('base64url')}`;
};
const publicPem = (key: TestKey) => key.publicKey.export({ format: 'pem', type: 'spki' }) as string;

const CASES: readonly Case[] = [
  { name: 'ES384 control', token: (iss) => token(iss, es384), outcome: accepted },
  { name: 'ES256 control', token: (iss) => token(iss, es256), outcome: accepted },
  { name: 'RS256 control', token: (iss) => token(iss, rs256), outcome: accepted },
  // alg "none", in any spelling
  { name: 'alg none with an empty signature', token: (iss) => `${token(iss, es384, { alg: 'none' }).split('.').slice(0, 2).join('.')}.`, outcome: invalidToken('malformed_token') },
  ...['none', 'None', 'NONE', 'nOnE'].map((alg) => ({
    name: `alg ${alg} with a junk signature`,
    token: (iss: string) => withSignature(iss, { alg }, () => b64url('junk')),
    outcome: invalidToken('algorithm_not_allowed'),
  })),
  // HMAC with the public key as the secret (the classic RS/HS confusion, RFC 8725 §2.1)
  ...(['HS256', 'HS384', 'HS512'] as const).map((alg) => ({
    name: `${alg} keyed with the RSA public key (PEM)`,
    token: (iss: string) => withSignature(iss, { alg, kid: rs256.kid }, (input) => hmacJws(input, publicPem(rs256), alg)),
    outcome: invalidToken('algorithm_not_allowed'),
  })),
  {
    name: 'HS256 keyed with the EC public JWK',
    token: (iss) => withSignature(iss, { alg: 'HS256' }, (input) => hmacJws(input, JSON.stringify(es384.jwk))),
    outcome: invalidToken('algorithm_not_allowed'),
  },
  // the key named by kid does not fit the algorithm (RFC 8725 §3.1)
  { name: 'RS256 token whose kid names the EC key', token: (iss) => token(iss, rs256, { kid: es384.kid }), outcome: invalidToken('unknown_key') },
  { name: 'ES256 token against the P-384 key', token: (iss) => token(iss, attackerEs256, { kid: es384.kid }), outcome: invalidToken('unknown_key') },
  { name: 'ES384 token whose kid names the P-256 key', token: (iss) => token(iss, es384, { kid: es256.kid }), outcome: invalidToken('unknown_key') },
  { name: 'PS256 with a key published for RS256 only', token: (iss) => token(iss, rs256, {}, 'PS256'), outcome: invalidToken('unknown_key') },
  // off the allowlist
  { name: 'RS384 (supported, not in the default list)', token: (iss) => token(iss, rs256, {}, 'RS384'), outcome: invalidToken('algorithm_not_allowed') },
  { name: 'PS512', token: (iss) => token(iss, rs256, {}, 'PS512'), outcome: invalidToken('algorithm_not_allowed') },
  { name: 'EdDSA', token: (iss) => withSignature(iss, { alg: 'EdDSA' }, () => b64url('x'.repeat(64))), outcome: invalidToken('algorithm_not_allowed') },
  { name: 'a JWE algorithm (RSA-OAEP)', token: (iss) => withSignature(iss, { alg: 'RSA-OAEP' }, () => b64url('sig')), outcome: invalidToken('algorithm_not_allowed') },
  { name: 'lowercase es384', token: (iss) => withSignature(iss, { alg: 'es384' }, (input) => signJws(input, es384)), outcome: invalidToken('algorithm_not_allowed') },
  { name: 'no alg at all', token: (iss) => withSignature(iss, { alg: undefined }, (input) => signJws(input, es384)), outcome: invalidToken('algorithm_not_allowed') },
  { name: 'alg as an array', token: (iss) => withSignature(iss, { alg: ['ES384'] }, (input) => signJws(input, es384)), outcome: invalidToken('algorithm_not_allowed') },
  // ECDSA signature forms (RFC 7518 §3.4: raw r||s of exactly twice the curve size)
  { name: 'r = s = 0', token: (iss) => replaceSignature(token(iss, es384), (s) => Buffer.alloc(s.length)), outcome: invalidToken('bad_signature') },
  {
    name: 'DER-encoded instead of raw r||s (wrong length for ES384)',
    token: (iss) => withSignature(iss, {}, (input) => sign('sha384', Buffer.from(input), { key: es384.privateKey, dsaEncoding: 'der' }).toString('base64url')),
    outcome: invalidToken('malformed_token'),
  },
  { name: 'one flipped bit in the ECDSA signature', token: (iss) => replaceSignature(token(iss, es384), flipBit), outcome: invalidToken('bad_signature') },
  { name: 'a truncated ECDSA signature', token: (iss) => replaceSignature(token(iss, es384), (s) => s.subarray(0, s.length - 3)), outcome: invalidToken('malformed_token') },
  { name: 'an extended ECDSA signature', token: (iss) => replaceSignature(token(iss, es384), (s) => Buffer.concat([s, Buffer.alloc(3)])), outcome: invalidToken('malformed_token') },
  { name: 'one flipped bit in the RSA signature', token: (iss) => replaceSignature(token(iss, rs256), flipBit), outcome: invalidToken('bad_signature') },
  { name: 'a truncated RSA signature', token: (iss) => replaceSignature(token(iss, rs256), (s) => s.subarray(0, s.length - 3)), outcome: invalidToken('bad_signature') },
  { name: 'an extended RSA signature', token: (iss) => replaceSignature(token(iss, rs256), (s) => Buffer.concat([s, Buffer.alloc(3)])), outcome: invalidToken('bad_signature') },
  { name: 'a signature by another key under the published kid', token: (iss) => token(iss, attackerEs384), outcome: invalidToken('bad_signature') },
  {
    name: 'a tampered payload (sub changed, signature kept)',
    token: (iss) => {
      const [h, p, s] = token(iss, es384).split('.');
      return `${h}.${b64url({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: 'admin' })}.${s}`;
    },
    outcome: invalidToken('bad_signature'),
  },
  {
    name: 'a tampered header (typ respelled, signature kept)',
    token: (iss) => {
      const [, p, s] = token(iss, es384).split('.');
      return `${b64url({ alg: 'ES384', typ: 'application/at+jwt', kid: es384.kid })}.${p}.${s}`;
    },
    outcome: invalidToken('bad_signature'),
  },
];

function flipBit(signature: Buffer): Buffer {
  const copy = Buffer.from(signature);
  copy[copy.length >> 1] ^= 0x01;
  return copy;
}

describe.each(ADAPTERS)('adversarial algorithms over %s', (adapter) => {
  let app: ProtectedApi;

  beforeAll(async () => {
    app = await startProtectedApi(adapter, { keys: [es384, es256, rs256] });
  });
  afterAll(() => app?.close());

  it.each(CASES)('$name', async ({ token, outcome }) => {
    expectOutcome(await app.get('/documents', `Bearer ${token(app.jwks.issuer)}`), outcome);
  });

  it('refetches at most once for all the kids that fit no key (the first such fetch opens a 30 s cooldown)', async () => {
    for (const { token } of CASES) await app.get('/documents', `Bearer ${token(app.jwks.issuer)}`); // on its own, too
    expect(app.jwks.requests).toBeLessThanOrEqual(1); // counted since the warm-up
    expect(app.jwks.strayRequests).toEqual([]);
  });
});

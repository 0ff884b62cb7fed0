import { createHash, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accepted, expectOutcome, invalidToken, Outcome } from '../helpers/expect-outcome';
import { ProtectedApi, startProtectedApi } from '../helpers/protected-api';
import { createTestKey, TestKey } from '../helpers/keys';
import { b64url, signAccessToken, TEST_AUDIENCE } from '../helpers/sign-token';
import { ADAPTERS } from '../helpers/test-app';

/** A JWKS entry, and the key that signs the test token under the entry's kid. */
interface Entry {
  readonly name: string;
  readonly signer: TestKey;
  /** Members merged over the signer's public JWK, or 'private' to publish the private JWK. */
  readonly published: object | 'private';
  readonly outcome: Outcome;
}

const key = (alg: TestKey['alg'], kid: string) => createTestKey(alg, kid);
const privateJwk = (k: TestKey) => ({ ...k.privateKey.export({ format: 'jwk' }), kid: k.kid, alg: k.alg, use: 'sig' });
const shortRsa = (() => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const kid = 'rsa-1024';
  return { kid, alg: 'RS256', privateKey, publicKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } } as TestKey;
})();
// RFC 8017 §3.1: e is odd and at least 3. With e = 1, s^e mod n = s: anyone can "sign" by writing the
// PKCS#1 v1.5 encoding of the hash as the signature.
const withExponent = (kid: string, e: string): TestKey => {
  const signer = key('RS256', kid);
  return { ...signer, jwk: { ...signer.jwk, e } };
};
const exponentOne = withExponent('rsa-e-1', 'AQ');
const exponentEven = withExponent('rsa-e-65536', 'AQAA');
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/** A token for `kid` whose RS256 "signature" verifies under an RSA key with e = 1 and a 2048-bit modulus. */
function forgedForExponentOne(kid: string, issuer: string): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = { iss: issuer, sub: 'attacker', aud: TEST_AUDIENCE, exp: now + 3600, iat: now, jti: 'forged', client_id: 'x', scope: 'read:documents' };
  const signingInput = `${b64url({ alg: 'RS256', typ: 'at+jwt', kid })}.${b64url(payload)}`;
  const digestInfo = Buffer.concat([SHA256_DIGEST_INFO, createHash('sha256').update(signingInput).digest()]);
  const encoded = Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(256 - 3 - digestInfo.length, 0xff), Buffer.from([0]), digestInfo]);
  return `${signingInput}.${encoded.toString('base64url')}`;
}

const sharedRsa = key('RS256', 'shared');
const sharedEc = key('ES384', 'shared');
const p256 = key('ES256', 'p256-labelled-es384');

// RFC 7517 §4.2-4.3, RFC 7518 §3.3, RFC 8725 §3.1/§3.5: entries that must never verify a signature
const ENTRIES: readonly Entry[] = [
  { name: 'a plain signing key (control)', signer: key('ES384', 'plain'), published: {}, outcome: accepted },
  { name: 'use: "enc"', signer: key('ES384', 'enc'), published: { use: 'enc' }, outcome: invalidToken('unknown_key') },
  { name: 'key_ops without verify', signer: key('ES384', 'ops-encrypt'), published: { key_ops: ['encrypt'] }, outcome: invalidToken('unknown_key') },
  { name: 'key_ops with verify', signer: key('ES384', 'ops-verify'), published: { key_ops: ['verify'] }, outcome: accepted },
  { name: 'key_ops that is not an array', signer: key('ES384', 'ops-string'), published: { key_ops: 'verify' }, outcome: invalidToken('unknown_key') },
  { name: 'an EC key with its private part d', signer: key('ES384', 'ec-private'), published: 'private', outcome: invalidToken('unknown_key') },
  { name: 'an RSA key with its private parts', signer: key('RS256', 'rsa-private'), published: 'private', outcome: invalidToken('unknown_key') },
  { name: 'a 1024-bit RSA key', signer: shortRsa, published: {}, outcome: invalidToken('unknown_key') },
  { name: 'an RSA key with exponent 1', signer: exponentOne, published: {}, outcome: invalidToken('unknown_key') },
  { name: 'an RSA key with an even exponent', signer: exponentEven, published: {}, outcome: invalidToken('unknown_key') },
  // if the curve were not checked, this key would be chosen and the answer would be bad_signature
  { name: 'a P-256 key labelled alg ES384', signer: key('ES384', p256.kid), published: { ...p256.jwk, alg: 'ES384' }, outcome: invalidToken('unknown_key') },
  { name: 'RSA and EC sharing a kid: RS256 picks the RSA key', signer: sharedRsa, published: {}, outcome: accepted },
  { name: 'RSA and EC sharing a kid: ES384 picks the EC key', signer: sharedEc, published: {}, outcome: accepted },
];

describe.each(ADAPTERS)('JWKS entries that must never verify, over %s', (adapter) => {
  let app: ProtectedApi;

  beforeAll(async () => {
    const keys = ENTRIES.map(({ signer, published }) =>
      published === 'private' ? { ...signer, jwk: privateJwk(signer) } : { ...signer, jwk: { ...signer.jwk, ...published } },
    ) as TestKey[];
    app = await startProtectedApi(adapter, { keys, cold: true });
  });
  afterAll(() => app?.close());

  it.each(ENTRIES)('$name', async ({ signer, outcome }) => {
    expectOutcome(await app.get('/documents', `Bearer ${signAccessToken({ key: signer, issuer: app.jwks.issuer })}`), outcome);
  });

  it('refuses a token forged for an RSA key with exponent 1 (it would verify under that key)', async () => {
    expectOutcome(await app.get('/documents', `Bearer ${forgedForExponentOne(exponentOne.kid, app.jwks.issuer)}`), invalidToken('unknown_key'));
  });

  it('logs how many entries it ignored, on every fetch, without key material', async () => {
    await app.get('/documents', `Bearer ${signAccessToken({ key: ENTRIES[0].signer, issuer: app.jwks.issuer })}`); // a fetch, even alone
    const logged = app.logger.matching('JWKS: ignored 8 key(s) that cannot verify signatures');
    expect(logged.length).toBeGreaterThanOrEqual(1);
    expect(logged).toHaveLength(app.jwks.requests);
    for (const { signer } of ENTRIES) {
      const jwk = privateJwk(signer) as Record<string, unknown>;
      for (const member of ['d', 'p', 'q', 'n', 'x', 'y']) {
        if (typeof jwk[member] === 'string') expect(app.logger.transcript).not.toContain(jwk[member]);
      }
    }
  });
});

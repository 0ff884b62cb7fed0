import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accepted, expectOutcome, invalidToken, Outcome } from '../helpers/expect-outcome';
import { GuardedApp, startGuardedApp } from '../helpers/guarded-app';
import { createTestKey, TestKey } from '../helpers/keys';
import { signAccessToken } from '../helpers/sign-token';
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
  // if the curve were not checked, this key would be chosen and the answer would be bad_signature
  { name: 'a P-256 key labelled alg ES384', signer: key('ES384', p256.kid), published: { ...p256.jwk, alg: 'ES384' }, outcome: invalidToken('unknown_key') },
  { name: 'RSA and EC sharing a kid: RS256 picks the RSA key', signer: sharedRsa, published: {}, outcome: accepted },
  { name: 'RSA and EC sharing a kid: ES384 picks the EC key', signer: sharedEc, published: {}, outcome: accepted },
];

describe.each(ADAPTERS)('JWKS entries that must never verify, over %s', (adapter) => {
  let app: GuardedApp;

  beforeAll(async () => {
    const keys = ENTRIES.map(({ signer, published }) =>
      published === 'private' ? { ...signer, jwk: privateJwk(signer) } : { ...signer, jwk: { ...signer.jwk, ...published } },
    ) as TestKey[];
    app = await startGuardedApp(adapter, { keys, cold: true });
  });
  afterAll(() => app?.close());

  it.each(ENTRIES)('$name', async ({ signer, outcome }) => {
    expectOutcome(await app.get(`Bearer ${signAccessToken({ key: signer, issuer: app.jwks.issuer })}`), outcome);
  });

  it('logs how many entries it ignored, without key material', () => {
    expect(app.logger.matching('JWKS: ignored 6 key(s) that cannot verify signatures')).toHaveLength(1);
    for (const { signer } of ENTRIES) {
      const jwk = privateJwk(signer) as Record<string, unknown>;
      for (const member of ['d', 'p', 'q', 'n', 'x', 'y']) {
        if (typeof jwk[member] === 'string') expect(app.logger.transcript).not.toContain(jwk[member]);
      }
    }
  });
});

import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { importVerificationKeys, keyFitsAlgorithm } from '../../../lib/keys/verification-key.util';
import { createTestKey } from '../../helpers/keys';

describe('importVerificationKeys', () => {
  const es384 = createTestKey('ES384', 'ec');
  const rs256 = createTestKey('RS256', 'rsa');

  it('imports EC and RSA signing keys', () => {
    const { keys, skipped } = importVerificationKeys([es384.jwk, rs256.jwk]);
    expect(keys.map((k) => k.kid)).toEqual(['ec', 'rsa']);
    expect(skipped).toBe(0);
  });

  it('never uses encryption keys, keys without verify, private keys, short RSA keys or junk', () => {
    const private384 = { ...es384.privateKey.export({ format: 'jwk' }), kid: 'priv' };
    const short = { ...generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' }), kid: 'short' };
    const { keys, skipped } = importVerificationKeys([
      { ...es384.jwk, kid: 'enc', use: 'enc' },
      { ...es384.jwk, kid: 'ops', key_ops: ['encrypt'] },
      private384,
      short,
      { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' },
      { ...es384.jwk, kid: undefined },
      { ...es384.jwk, kid: 'bad-x', x: 'AAAA' },
      null,
      'key',
      { ...es384.jwk, kid: 'ok-ops', key_ops: ['verify'] },
    ]);
    expect(keys.map((k) => k.kid)).toEqual(['ok-ops']);
    expect(skipped).toBe(9);
  });
});

describe('importVerificationKeys: RSA public exponents (RFC 8017 §3.1)', () => {
  const rs256 = createTestKey('RS256', 'rsa');
  // base64url of the big-endian exponent: 1, 2, 4, 65536 (even), 3, 65537
  it.each([
    ['1', 'AQ', false],
    ['2', 'Ag', false],
    ['4', 'BA', false],
    ['65536', 'AQAA', false],
    ['3', 'Aw', true],
    ['65537', 'AQAB', true],
  ])('e = %s: usable %s', (_, e, usable) => {
    const { keys, skipped } = importVerificationKeys([{ ...rs256.jwk, e }]);
    expect([keys.length, skipped]).toEqual(usable ? [1, 0] : [0, 1]);
  });
});

describe('keyFitsAlgorithm', () => {
  const [p256, p384, p521, rsa] = importVerificationKeys(
    (['ES256', 'ES384', 'ES512', 'RS256'] as const).map((alg) => ({ ...createTestKey(alg).jwk, alg: undefined })),
  ).keys;

  it('matches curve to ES algorithm and RSA to RS/PS algorithms', () => {
    expect(keyFitsAlgorithm(p256, 'ES256')).toBe(true);
    expect(keyFitsAlgorithm(p384, 'ES384')).toBe(true);
    expect(keyFitsAlgorithm(p521, 'ES512')).toBe(true);
    expect(keyFitsAlgorithm(p384, 'ES256')).toBe(false);
    expect(keyFitsAlgorithm(p256, 'RS256')).toBe(false);
    expect(keyFitsAlgorithm(rsa, 'PS256')).toBe(true);
    expect(keyFitsAlgorithm(rsa, 'ES384')).toBe(false);
    expect(keyFitsAlgorithm(rsa, 'HS256' as never)).toBe(false);
    expect(keyFitsAlgorithm(rsa, 'none' as never)).toBe(false);
  });

  it('honours the JWK alg when present', () => {
    expect(keyFitsAlgorithm({ ...rsa, alg: 'RS256' }, 'PS256')).toBe(false);
    expect(keyFitsAlgorithm({ ...rsa, alg: 'RS256' }, 'RS256')).toBe(true);
  });
});

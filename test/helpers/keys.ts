import { generateKeyPairSync, JsonWebKey, KeyObject } from 'node:crypto';

export type TestAlg = 'ES256' | 'ES384' | 'ES512' | 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512';

export interface TestKey {
  readonly kid: string;
  readonly alg: TestAlg;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The public JWK as a JWKS would publish it. */
  readonly jwk: JsonWebKey & { kid: string; alg: string; use: string };
}

const CURVES = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' } as const;
let counter = 0;

/** A fresh key pair for `alg`, with a unique kid unless one is given. */
export function createTestKey(alg: TestAlg = 'ES384', kid = `test-${alg.toLowerCase()}-${++counter}`): TestKey {
  const { privateKey, publicKey } = alg.startsWith('ES')
    ? generateKeyPairSync('ec', { namedCurve: CURVES[alg as keyof typeof CURVES] })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, alg, privateKey, publicKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } };
}

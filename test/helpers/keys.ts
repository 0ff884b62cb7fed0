import { JsonWebKey, KeyObject } from 'node:crypto';
import { generateSigningKey, SigningAlgorithm } from '../../lib/testing/signing-key.util';

export type TestAlg = SigningAlgorithm;

export interface TestKey {
  readonly kid: string;
  readonly alg: TestAlg;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The public JWK as a JWKS would publish it. */
  readonly jwk: JsonWebKey & { kid: string; alg: string; use: string };
}

let counter = 0;

/** A fresh key pair for `alg`, with a unique kid unless one is given (the key maker of nestjs-logto/testing). */
export function createTestKey(alg: TestAlg = 'ES384', kid = `test-${alg.toLowerCase()}-${++counter}`): TestKey {
  return generateSigningKey(alg, kid) as TestKey;
}

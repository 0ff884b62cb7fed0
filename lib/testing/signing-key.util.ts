import { generateKeyPairSync, KeyObject, randomUUID } from 'node:crypto';

import { PublicSigningJwk, SigningAlgorithm } from './public-signing-jwk.interface';

export type { PublicSigningJwk, SigningAlgorithm };

export interface SigningKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly jwk: PublicSigningJwk;
}

const CURVES = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' } as const;

/**
 * A fresh key pair for `alg`. The RSA JWK carries no `alg` when `publishAlg` is false, as Logto
 * publishes its RSA key after a rotation; the EC JWK always names its algorithm.
 */
export function generateSigningKey(alg: SigningAlgorithm, kid: string = randomUUID(), publishAlg = true): SigningKey {
  const { privateKey, publicKey } = alg.startsWith('ES')
    ? generateKeyPairSync('ec', { namedCurve: CURVES[alg as keyof typeof CURVES] })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });
  // export() of a *public* KeyObject cannot contain private members, so the JWKS never leaks one.
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig' as const, ...(publishAlg && { alg }) } as PublicSigningJwk;
  return { kid, alg, privateKey, publicKey, jwk };
}

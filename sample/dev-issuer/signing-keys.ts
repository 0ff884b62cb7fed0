import { generateKeyPairSync, JsonWebKey } from 'node:crypto';

/** A private signing key in JWK form, as oidc-provider's `jwks` option takes it. */
export interface DevSigningKey extends JsonWebKey {
  readonly kid: string;
  readonly alg: 'ES384' | 'RS256';
  readonly use: 'sig';
}

let counter = 0;

/** Logto's default: an EC P-384 key, signing ES384. */
export function createEcSigningKey(kid = nextKid('ec')): DevSigningKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'ES384', use: 'sig' };
}

/** What Logto offers after a rotation to RSA: a 2048-bit RSA key, signing RS256. */
export function createRsaSigningKey(kid = nextKid('rsa')): DevSigningKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
}

function nextKid(type: string): string {
  return `dev-${type}-${Date.now().toString(36)}-${++counter}`;
}

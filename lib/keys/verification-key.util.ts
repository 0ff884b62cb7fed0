import { createPublicKey, KeyObject } from 'node:crypto';
import { LogtoSigningAlgorithm } from '../logto-auth.constants';

export interface VerificationKey {
  readonly kid: string;
  readonly key: KeyObject;
  /** The JWK's own `alg`, when it names one: the key then serves that algorithm only. */
  readonly alg?: string;
}

const CURVE_OF: Partial<Record<LogtoSigningAlgorithm, string>> = {
  ES256: 'prime256v1',
  ES384: 'secp384r1',
  ES512: 'secp521r1',
};
const PUBLIC_MEMBERS: Record<string, readonly string[]> = { EC: ['kty', 'crv', 'x', 'y'], RSA: ['kty', 'n', 'e'] };
// RFC 7518 §6.2.2 / §6.3.2: a JWK with any of these carries private key material.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'];
const MIN_RSA_BITS = 2048; // RFC 7518 §3.3
const MIN_RSA_EXPONENT = 3n;

/**
 * Turns a JWKS `keys` array into public verification keys. Entries that must never verify a
 * signature are dropped: encryption keys, keys whose key_ops exclude verify, keys carrying private
 * parts, unsupported types, short RSA moduli (RFC 7517 §4.2-4.3, RFC 8725 §3.5), RSA public exponents
 * below 3 or even (with e = 1 any value is its own signature; an even e is no RSA key: RFC 8017 §3.1).
 */
export function importVerificationKeys(jwks: readonly unknown[]): { keys: VerificationKey[]; skipped: number } {
  const keys: VerificationKey[] = [];
  for (const entry of jwks) {
    const key = importJwk(entry);
    if (key) keys.push(key);
  }
  return { keys, skipped: jwks.length - keys.length };
}

function importJwk(entry: unknown): VerificationKey | undefined {
  if (entry === null || typeof entry !== 'object') return undefined;
  const jwk = entry as Record<string, unknown>;
  const members = typeof jwk.kty === 'string' ? PUBLIC_MEMBERS[jwk.kty] : undefined;
  const usable =
    members !== undefined &&
    typeof jwk.kid === 'string' &&
    jwk.kid !== '' &&
    (jwk.use === undefined || jwk.use === 'sig') &&
    (jwk.key_ops === undefined || (Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) &&
    !PRIVATE_MEMBERS.some((member) => member in jwk) &&
    (jwk.alg === undefined || typeof jwk.alg === 'string');
  if (!usable) return undefined;
  try {
    const key = createPublicKey({ key: Object.fromEntries(members.map((m) => [m, jwk[m]])), format: 'jwk' });
    if (key.asymmetricKeyType === 'rsa' && !isSoundRsaKey(key)) return undefined;
    return { kid: jwk.kid as string, key, ...(jwk.alg !== undefined && { alg: jwk.alg as string }) };
  } catch {
    return undefined;
  }
}

function isSoundRsaKey(key: KeyObject): boolean {
  const { modulusLength = 0, publicExponent = 0n } = key.asymmetricKeyDetails ?? {};
  return modulusLength >= MIN_RSA_BITS && publicExponent >= MIN_RSA_EXPONENT && publicExponent % 2n === 1n;
}

/** RFC 8725 §3.1: the key's type and curve must be those of the algorithm the token names. */
export function keyFitsAlgorithm({ key, alg: keyAlg }: VerificationKey, alg: LogtoSigningAlgorithm): boolean {
  if (keyAlg !== undefined && keyAlg !== alg) return false;
  const curve = CURVE_OF[alg];
  if (curve) return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === curve;
  return /^(RS|PS)(256|384|512)$/.test(alg) && key.asymmetricKeyType === 'rsa';
}

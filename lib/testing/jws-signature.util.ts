import { constants, KeyObject, sign } from 'node:crypto';
import { SigningAlgorithm } from './signing-key.util';

const HASHES = { '256': 'sha256', '384': 'sha384', '512': 'sha512' } as const;

/** The base64url JWS signature of `signingInput` (`<header>.<payload>`) with `privateKey` for `alg`. */
export function signJws(signingInput: string, privateKey: KeyObject, alg: SigningAlgorithm): string {
  const hash = HASHES[alg.slice(2) as keyof typeof HASHES];
  const data = Buffer.from(signingInput);
  if (hash === undefined) throw new Error(`signJws: ${alg} is not an asymmetric JWS algorithm`);
  // RFC 7518 §3.4: an ECDSA JWS signature is raw r||s, not the DER that OpenSSL produces by default.
  if (alg.startsWith('ES')) return sign(hash, data, { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  // RFC 7518 §3.5: RSASSA-PSS with MGF1 on the same hash and a salt as long as the hash.
  if (alg.startsWith('PS')) {
    return sign(hash, data, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }).toString('base64url');
  }
  if (alg.startsWith('RS')) return sign(hash, data, privateKey).toString('base64url');
  throw new Error(`signJws: ${alg} is not an asymmetric JWS algorithm`);
}

/** base64url(JSON) of a JOSE header or claims set, or of raw bytes. */
export function base64UrlJson(value: string | Buffer | object): string {
  return Buffer.from(typeof value === 'string' || Buffer.isBuffer(value) ? value : JSON.stringify(value)).toString('base64url');
}

/** A compact JWS: `header.payload.signature`, signed with `privateKey`. */
export function signCompactJws(header: object, payload: object, privateKey: KeyObject, alg: SigningAlgorithm): string {
  const signingInput = `${base64UrlJson(header)}.${base64UrlJson(payload)}`;
  return `${signingInput}.${signJws(signingInput, privateKey, alg)}`;
}

import { KeyObject, verify } from 'node:crypto';

// node:crypto's arguments for a token's JWS ES384 signature: SHA-384, the signature as r || s (RFC 7518 §3.4).
function es384Arguments(token: string, key: KeyObject) {
  const dot = token.lastIndexOf('.');
  return ['sha384', Buffer.from(token.slice(0, Math.max(dot, 0))), { key, dsaEncoding: 'ieee-p1363' as const }, Buffer.from(token.slice(dot + 1), 'base64url')] as const;
}

/**
 * The token's ES384 signature alone (no header, no claim), checked synchronously with node:crypto's one-shot
 * `verify`, as jsonwebtoken checks it: the floor of any verifier, for row 8a and the miss breakdown alike.
 */
export function hasEs384Signature(token: string, key: KeyObject): boolean {
  return verify(...es384Arguments(token, key));
}

/** The same check with a callback: it runs on libuv's thread pool, as jose's WebCrypto does (row 8b). */
export function hasEs384SignatureOnThreadPool(token: string, key: KeyObject): Promise<boolean> {
  return new Promise((resolve) => verify(...es384Arguments(token, key), (error, valid) => resolve(!error && valid)));
}

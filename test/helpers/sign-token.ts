import { constants, createHmac, sign } from 'node:crypto';
import { TestKey } from './keys';

export const TEST_AUDIENCE = 'https://api.example.com';

const HASH = { '256': 'sha256', '384': 'sha384', '512': 'sha512' } as const;

export const b64url = (value: string | Buffer | object): string =>
  Buffer.from(typeof value === 'string' || Buffer.isBuffer(value) ? value : JSON.stringify(value)).toString('base64url');

/** Signs `header.payload` with `key` for `alg` the way a JWS signer does (raw r||s for ECDSA, RFC 7518 §3.4). */
export function signJws(signingInput: string, key: TestKey, alg: string = key.alg): string {
  const hash = HASH[alg.slice(2) as keyof typeof HASH];
  if (alg.startsWith('ES')) return sign(hash, Buffer.from(signingInput), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  if (alg.startsWith('PS')) {
    return sign(hash, Buffer.from(signingInput), {
      key: key.privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    }).toString('base64url');
  }
  if (alg.startsWith('RS')) return sign(hash, Buffer.from(signingInput), key.privateKey).toString('base64url');
  throw new Error(`signJws: ${alg} is not an asymmetric algorithm`);
}

/** An HMAC "signature", for algorithm-confusion attacks. */
export function hmacJws(signingInput: string, secret: string | Buffer, alg = 'HS256'): string {
  return createHmac(HASH[alg.slice(2) as keyof typeof HASH], secret).update(signingInput).digest('base64url');
}

export interface AccessTokenSpec {
  readonly key: TestKey;
  readonly issuer: string;
  /** Merged over the defaults; `undefined` removes a default header field. */
  readonly header?: Record<string, unknown>;
  /** Merged over the defaults; `undefined` removes a default claim. */
  readonly claims?: Record<string, unknown>;
  readonly alg?: string;
}

/** A Logto-shaped access token (RFC 9068), valid for the test API unless `header`/`claims` say otherwise. */
export function signAccessToken({ key, issuer, header = {}, claims = {}, alg = key.alg }: AccessTokenSpec): string {
  const now = Math.floor(Date.now() / 1000);
  const fullHeader = dropUndefined({ alg, typ: 'at+jwt', kid: key.kid, ...header });
  const payload = dropUndefined({
    iss: issuer,
    sub: 'user-1',
    aud: TEST_AUDIENCE,
    exp: now + 3600,
    iat: now,
    jti: `jti-${Math.random().toString(36).slice(2)}`,
    client_id: 'app-1',
    scope: 'read:documents',
    ...claims,
  });
  const signingInput = `${b64url(fullHeader)}.${b64url(payload)}`;
  return `${signingInput}.${signJws(signingInput, key, alg)}`;
}

function dropUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

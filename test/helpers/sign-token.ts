import { createHmac } from 'node:crypto';
import { base64UrlJson, signJws as signJwsWithKey } from '../../lib/testing/jws-signature.util';
import { SigningAlgorithm } from '../../lib/testing/signing-key.util';
import { signTestAccessToken } from '../../lib/testing/test-access-token.util';
import { TestKey } from './keys';

// The suite signs through nestjs-logto/testing's own signer, so every e2e test also exercises it; what
// stays here is only what tests need beyond a Logto-shaped token (an alg other than the key's, HMAC).

export const TEST_AUDIENCE = 'https://api.example.com';

const HASH = { '256': 'sha256', '384': 'sha384', '512': 'sha512' } as const;

export const b64url = base64UrlJson;

/** Signs `header.payload` with `key` for `alg` the way a JWS signer does (raw r||s for ECDSA, RFC 7518 §3.4). */
export function signJws(signingInput: string, key: TestKey, alg: string = key.alg): string {
  return signJwsWithKey(signingInput, key.privateKey, alg as SigningAlgorithm);
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

/**
 * A Logto-shaped access token (RFC 9068), valid for the test API unless `header`/`claims` say otherwise:
 * sub `user-1`, client_id `app-1`, scope `read:documents`, aud `TEST_AUDIENCE`, valid one hour.
 */
export function signAccessToken({ key, issuer, header = {}, claims = {}, alg = key.alg }: AccessTokenSpec): string {
  return signTestAccessToken(
    { issuer, audience: TEST_AUDIENCE, key: { ...key, alg: alg as SigningAlgorithm } },
    { sub: 'user-1', clientId: 'app-1', scopes: ['read:documents'], header, claims },
  );
}

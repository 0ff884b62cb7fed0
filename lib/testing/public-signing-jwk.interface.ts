// Kept apart from signing-key.util.ts so the published typings of nestjs-logto/testing name no node:crypto type.

/** Every asymmetric JWS algorithm the module can verify; the test issuer offers ES384 and RS256, as Logto does. */
export type SigningAlgorithm = 'ES256' | 'ES384' | 'ES512' | 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512';

/** A public JWK as a JWKS publishes it: never any private member (d, p, q, dp, dq, qi, k). */
export interface PublicSigningJwk {
  readonly kty: string;
  readonly kid: string;
  readonly use: 'sig';
  readonly alg?: string;
  readonly [member: string]: unknown;
}

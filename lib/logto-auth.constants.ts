/** Injection token of the validated, defaulted options (`ResolvedLogtoAuthOptions`). */
export const LOGTO_AUTH_OPTIONS = Symbol('LOGTO_AUTH_OPTIONS');

export const IS_PUBLIC_KEY = 'logto-auth:is-public';
export const OPTIONAL_AUTH_KEY = 'logto-auth:optional-auth';
export const SCOPES_KEY = 'logto-auth:scopes';
export const ANY_SCOPE_KEY = 'logto-auth:any-scope';
export const REQUIRE_ORGANIZATION_KEY = 'logto-auth:require-organization';

/** Every asymmetric JWS algorithm the module can verify (RFC 7518 §3.1). */
// Frozen: exported arrays are the live allowlists, so no import may widen them at run time.
export const SUPPORTED_ALGORITHMS = Object.freeze([
  'ES256',
  'ES384',
  'ES512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
] as const);
export type LogtoSigningAlgorithm = (typeof SUPPORTED_ALGORITHMS)[number];

/** What Logto can sign access tokens with: ES384 by default, RSA after a key rotation. */
export const DEFAULT_ALGORITHMS: readonly LogtoSigningAlgorithm[] = Object.freeze(['ES384', 'ES256', 'ES512', 'RS256', 'PS256']);

/** RFC 9068 §2.1 / §4: the only `typ` values an access token may carry. */
export const ACCESS_TOKEN_TYPES: readonly string[] = Object.freeze(['at+jwt', 'application/at+jwt']);

export const DEFAULTS = {
  clockTolerance: 5,
  realm: 'api',
  strategyName: 'logto',
  jwksTimeoutMs: 5_000,
  jwksCooldownMs: 30_000,
  jwksCacheMaxAgeMs: 10 * 60_000,
  jwksStaleMaxAgeMs: 60 * 60_000,
  tokenCacheMaxEntries: 10_000,
  tokenCacheTtlMs: 5 * 60_000,
  validateTimeoutMs: 5_000,
} as const;

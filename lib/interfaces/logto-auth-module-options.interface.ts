import { Type } from '@nestjs/common';
import type { LogtoSigningAlgorithm } from '../logto-auth.constants';
import { LogtoTenantOptions } from './logto-tenant-options.interface';
import { LogtoUserValidator, LogtoUserValidatorFn } from './logto-user-validator.interface';

/**
 * What `LogtoAuthModule.forRoot()` accepts. Give `endpoint` (your Logto tenant URL), or `issuer`
 * and `jwksUri` explicitly, or several Logto tenants in `tenants`; `audience` is required unless
 * every tenant gives its own.
 */
export interface LogtoAuthModuleOptions {
  /** The Logto endpoint, e.g. `https://my-tenant.logto.app`: issuer `<endpoint>/oidc`, JWKS `<endpoint>/oidc/jwks`. */
  endpoint?: string;
  /** The accepted `iss` values, compared exactly (custom domains: list them all). Default `<endpoint>/oidc`. */
  issuer?: string | readonly string[];
  /** Where the signing keys are. Default `<endpoint>/oidc/jwks`. */
  jwksUri?: string;
  /**
   * The API resource indicator(s) this API answers to; a token's `aud` must contain one. Required,
   * except with `tenants` where it is the audience of every tenant that does not name its own.
   */
  audience?: string | readonly string[];
  /**
   * Several Logto tenants, each with its own endpoint (or issuer and JWKS) and audience; instead of
   * `endpoint`, `issuer` and `jwksUri`. A token's `iss` picks the tenant, whose keys and audience then apply.
   */
  tenants?: readonly LogtoTenantOptions[];
  /**
   * Also accept Logto organization tokens (audience `urn:logto:organization:<id>`) on routes marked
   * `@RequireOrganization()`; their scopes are the organization permissions. Default false.
   */
  organizations?: boolean;
  /** The claim that holds the granted permissions: a space-separated string or an array of strings. Default `scope`. */
  scopeClaim?: string;
  /**
   * Your own rule, run after the token and the route's scopes have passed: return false to refuse
   * with 403 `auth.validation_failed`. A validator that throws refuses the same way.
   */
  validate?: LogtoUserValidatorFn;
  /** Like `validate`, as an injectable class (for database access): provide it in any module of the app. */
  validator?: Type<LogtoUserValidator>;
  /**
   * Milliseconds `validate` / `validator` may take before the request is refused with
   * 503 `auth.validation_timeout` and `Retry-After` (the rule could not decide; the token may be fine).
   * From 1 to 60000. Default 5000.
   */
  validateTimeoutMs?: number;
  /**
   * Accepted signature algorithms, a subset of `SUPPORTED_ALGORITHMS`. Default ES384, ES256, ES512,
   * RS256, PS256. Typed, so `['HS256']` or `['none']` fails to compile (and is refused at start-up too).
   */
  algorithms?: readonly LogtoSigningAlgorithm[];
  /** Seconds of clock skew allowed on `exp`, `nbf` and `iat`. Default 5. */
  clockTolerance?: number;
  /** Register the guard for every route (`APP_GUARD`). Default true; false: use `@UseGuards(LogtoAuthGuard)`. */
  global?: boolean;
  /** The `realm` of the `WWW-Authenticate` challenge. Default `api`. */
  realm?: string;
  /**
   * The name the module's passport strategy is registered under, for `@UseGuards(AuthGuard('logto'))`
   * (`@nestjs/passport`). Default `logto`; give each module its own when several share a process.
   */
  strategyName?: string;
  /** Milliseconds a JWKS request may take in all before it is abandoned. Default 5000. */
  jwksTimeoutMs?: number;
  /** Milliseconds between two JWKS fetches caused by unknown key ids. Default 30000. */
  jwksCooldownMs?: number;
  /** Milliseconds a fetched key set is trusted before it is fetched again. Default 600000. */
  jwksCacheMaxAgeMs?: number;
  /**
   * While the JWKS cannot be fetched (network error, timeout, non-2xx, not a key set), milliseconds past
   * `jwksCacheMaxAgeMs` that the last good key set keeps verifying; then it is dropped and requests get
   * 503 `auth.jwks_unavailable`. A well-formed answer always replaces the key set. Default 3600000 (1 h).
   */
  jwksStaleMaxAgeMs?: number;
  /**
   * The verified-token cache: a token seen again skips the signature check. Default
   * `{ maxEntries: 10000, ttlMs: 300000 }`; an entry never outlives the token's `exp`. `false` turns it off.
   */
  tokenCache?: false | LogtoTokenCacheOptions;
  /**
   * Fetch every tenant's signing keys once at start-up (during `app.init()` / `app.listen()`), so a wrong
   * `endpoint` or an unreachable JWKS shows before the first request: `'fail'` refuses to start,
   * `'warn'` logs a warning and starts (requests then fetch the keys as usual). Either way the fetch
   * waits at most `jwksTimeoutMs`. Default false: keys are fetched on the first request.
   *
   * @example
   * LogtoAuthModule.forRoot({ endpoint: 'https://my-tenant.logto.app', audience: 'https://api.example.com', warmUp: 'fail' })
   */
  warmUp?: LogtoWarmUp;
}

/** Option `warmUp`: no start-up key fetch, or one whose failure warns or stops the start. */
export type LogtoWarmUp = false | 'warn' | 'fail';

/** Bounds of the verified-token cache (option `tokenCache`). */
export interface LogtoTokenCacheOptions {
  /** Most tokens remembered at once; when full, one not served since the last eviction pass is forgotten first (second chance, close to least-recently-used). Default 10000. */
  maxEntries?: number;
  /** Milliseconds a verified token is remembered at most (never past its `exp`). Default 300000. */
  ttlMs?: number;
}

/** What `forRootAsync({ useClass })` and `useExisting` classes implement. */
export interface LogtoAuthOptionsFactory {
  createLogtoAuthOptions(): LogtoAuthModuleOptions | Promise<LogtoAuthModuleOptions>;
}

import { DEFAULT_ALGORITHMS, DEFAULTS, LogtoSigningAlgorithm, SUPPORTED_ALGORITHMS } from './logto-auth.constants';
import { Type } from '@nestjs/common';
import { LogtoAuthModuleOptions, LogtoWarmUp } from './interfaces/logto-auth-module-options.interface';
import { LogtoTenantOptions } from './interfaces/logto-tenant-options.interface';
import { LogtoUserValidator, LogtoUserValidatorFn } from './interfaces/logto-user-validator.interface';

/** One trusted issuer group: the `iss` values that pick it, its key set and its audience. */
export interface ResolvedLogtoTenant {
  readonly issuers: readonly string[];
  readonly jwksUri: string;
  readonly audiences: readonly string[];
}

/** The options after defaults and validation: what every provider of the module reads. */
export interface ResolvedLogtoAuthOptions {
  /** One entry without the `tenants` option; a token's `iss` picks exactly one. */
  readonly tenants: readonly ResolvedLogtoTenant[];
  /** Every tenant's issuers and audiences together. */
  readonly issuers: readonly string[];
  readonly audiences: readonly string[];
  readonly organizations: boolean;
  readonly scopeClaim: string;
  readonly validate?: LogtoUserValidatorFn;
  readonly validator?: Type<LogtoUserValidator>;
  readonly validateTimeoutMs: number;
  readonly algorithms: readonly LogtoSigningAlgorithm[];
  readonly clockTolerance: number;
  readonly global: boolean;
  readonly realm: string;
  readonly strategyName: string;
  readonly jwksTimeoutMs: number;
  readonly jwksCooldownMs: number;
  readonly jwksCacheMaxAgeMs: number;
  readonly jwksStaleMaxAgeMs: number;
  /** `false` when the verified-token cache is off. */
  readonly tokenCache: { readonly maxEntries: number; readonly ttlMs: number } | false;
  /** Whether the keys are fetched once at start-up, and what a failure does then. */
  readonly warmUp: LogtoWarmUp;
}

class LogtoAuthOptionsError extends Error {
  constructor(option: string, problem: string) {
    super(`LogtoAuthModule: option "${option}" ${problem}`);
    this.name = 'LogtoAuthOptionsError';
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
// Quoted into WWW-Authenticate as is: RFC 9110 §5.6.4 qdtext without quote or backslash.
const SAFE_REALM = /^[\x20\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Applies defaults and refuses, at start-up, any configuration that would open a door:
 * no audience, no key source, plain HTTP to a remote host, `none` or HMAC algorithms.
 */
export function resolveLogtoAuthOptions(options: LogtoAuthModuleOptions): ResolvedLogtoAuthOptions {
  if (options === null || typeof options !== 'object') {
    throw new LogtoAuthOptionsError('options', 'must be an object');
  }
  const tenants = resolveTenants(options);
  return Object.freeze({
    tenants,
    issuers: Object.freeze(tenants.flatMap((tenant) => tenant.issuers)),
    audiences: Object.freeze([...new Set(tenants.flatMap((tenant) => tenant.audiences))]),
    organizations: optionalBoolean('organizations', options.organizations, false),
    scopeClaim: resolveScopeClaim(options.scopeClaim),
    ...resolveValidator(options),
    validateTimeoutMs: nonNegativeNumber('validateTimeoutMs', options.validateTimeoutMs, DEFAULTS.validateTimeoutMs, 60_000, 1),
    algorithms: resolveAlgorithms(options.algorithms),
    clockTolerance: nonNegativeNumber('clockTolerance', options.clockTolerance, DEFAULTS.clockTolerance, 300),
    global: optionalBoolean('global', options.global, true),
    realm: resolveRealm(options.realm),
    strategyName: resolveStrategyName(options.strategyName),
    jwksTimeoutMs: nonNegativeNumber('jwksTimeoutMs', options.jwksTimeoutMs, DEFAULTS.jwksTimeoutMs, 60_000, 1),
    jwksCooldownMs: nonNegativeNumber('jwksCooldownMs', options.jwksCooldownMs, DEFAULTS.jwksCooldownMs, 3_600_000),
    jwksCacheMaxAgeMs: nonNegativeNumber(
      'jwksCacheMaxAgeMs',
      options.jwksCacheMaxAgeMs,
      DEFAULTS.jwksCacheMaxAgeMs,
      24 * 3_600_000,
      1_000,
    ),
    jwksStaleMaxAgeMs: nonNegativeNumber(
      'jwksStaleMaxAgeMs',
      options.jwksStaleMaxAgeMs,
      DEFAULTS.jwksStaleMaxAgeMs,
      7 * 24 * 3_600_000,
    ),
    tokenCache: resolveTokenCache(options.tokenCache),
    warmUp: resolveWarmUp(options.warmUp),
  });
}

function resolveTenants(options: LogtoAuthModuleOptions): readonly ResolvedLogtoTenant[] {
  if (options.tenants === undefined) return Object.freeze([resolveTenant('', options, options.audience)]);
  for (const option of ['endpoint', 'issuer', 'jwksUri'] as const) {
    if (options[option] !== undefined) {
      throw new LogtoAuthOptionsError(option, 'cannot be combined with "tenants": give it inside each tenant');
    }
  }
  if (!Array.isArray(options.tenants) || options.tenants.length === 0) {
    throw new LogtoAuthOptionsError('tenants', 'must be a non-empty array');
  }
  if (options.audience !== undefined) nonEmptyList('audience', options.audience);
  const tenants = options.tenants.map((tenant: LogtoTenantOptions, index) =>
    resolveTenant(`tenants[${index}].`, tenant, tenant?.audience ?? options.audience),
  );
  // The token's iss picks the key set and the audience: one issuer in two tenants would make that ambiguous.
  const seen = new Set<string>();
  for (const issuer of tenants.flatMap((tenant) => tenant.issuers)) {
    if (seen.has(issuer)) throw new LogtoAuthOptionsError('tenants', `names the issuer "${issuer}" in more than one tenant`);
    seen.add(issuer);
  }
  return Object.freeze(tenants);
}

function resolveTenant(prefix: string, tenant: LogtoTenantOptions, audience: unknown): ResolvedLogtoTenant {
  if (tenant === null || typeof tenant !== 'object') {
    throw new LogtoAuthOptionsError(prefix.slice(0, -1), 'must be an object');
  }
  const endpoint = tenant.endpoint === undefined ? undefined : resolveEndpoint(`${prefix}endpoint`, tenant.endpoint);
  if (endpoint === undefined && (tenant.issuer === undefined || tenant.jwksUri === undefined)) {
    throw new LogtoAuthOptionsError(`${prefix}endpoint`, 'is required unless both "issuer" and "jwksUri" are given');
  }
  const issuers = tenant.issuer === undefined ? [`${endpoint}/oidc`] : nonEmptyList(`${prefix}issuer`, tenant.issuer);
  issuers.forEach((issuer) => requireIssuerIdentifier(`${prefix}issuer`, issuer));
  return Object.freeze({
    issuers: Object.freeze(issuers),
    jwksUri: requireUrl(`${prefix}jwksUri`, tenant.jwksUri ?? `${endpoint}/oidc/jwks`),
    audiences: nonEmptyList(`${prefix}audience`, audience),
  });
}

// Registered claims hold identities and times, never permissions: reading one as scopes would grant nonsense.
const NOT_SCOPE_CLAIMS = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'client_id', 'organization_id']);

function resolveScopeClaim(claim: unknown): string {
  if (claim === undefined) return 'scope';
  if (typeof claim !== 'string' || claim === '' || NOT_SCOPE_CLAIMS.has(claim)) {
    throw new LogtoAuthOptionsError('scopeClaim', 'must name the claim that holds permissions, such as "scp" or "permissions"');
  }
  return claim;
}

function resolveValidator(options: LogtoAuthModuleOptions): Pick<ResolvedLogtoAuthOptions, 'validate' | 'validator'> {
  const { validate, validator } = options;
  if (validate !== undefined && typeof validate !== 'function') {
    throw new LogtoAuthOptionsError('validate', 'must be a function (user, claims) => boolean | Promise<boolean>');
  }
  if (validator !== undefined && (typeof validator !== 'function' || typeof validator.prototype?.validate !== 'function')) {
    throw new LogtoAuthOptionsError('validator', 'must be a class with a validate(user, claims) method');
  }
  if (validate !== undefined && validator !== undefined) {
    throw new LogtoAuthOptionsError('validator', 'cannot be combined with "validate": give one of them');
  }
  return { ...(validate && { validate }), ...(validator && { validator }) };
}

function nonEmptyList(option: string, value: unknown): readonly string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string' && item !== '')) {
    throw new LogtoAuthOptionsError(option, 'must be a non-empty string or a non-empty array of non-empty strings');
  }
  return Object.freeze([...new Set(list as string[])]);
}

// Keys and issuer identity fetched over plain HTTP could be swapped by anyone on the path (RFC 8725 §3.1).
function requireUrl(option: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new LogtoAuthOptionsError(option, 'must be a non-empty URL string');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new LogtoAuthOptionsError(option, `is not a valid URL`);
  }
  // A user name or password in a URL is never sent by the JWKS client, would end up in logs, and says
  // the configuration is not what its author thinks (RFC 3986 §3.2.1: user info in URIs is deprecated).
  if (url.username !== '' || url.password !== '') {
    throw new LogtoAuthOptionsError(option, 'must not contain a user name or password: remove the "user:password@" part');
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new LogtoAuthOptionsError(option, 'must use https (plain http is allowed only for localhost)');
  }
  return value;
}

function trimTrailingSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}

// RFC 8414 §2: an issuer identifier has no query and no fragment (requireUrl refuses user info): such a
// value would start fine and then refuse every token.
function requireIssuerIdentifier(option: string, value: unknown): string {
  requireUrl(option, value); // refuses user info too
  if (/[?#]/.test(value as string)) {
    throw new LogtoAuthOptionsError(option, 'must not have a query or a fragment (RFC 8414 §2): remove everything from "?" or "#" on');
  }
  return value as string;
}

// Logto serves OIDC under `<endpoint>/oidc`; an endpoint that already ends in /oidc would make the
// issuer `.../oidc/oidc`, and every token would be refused as coming from an untrusted issuer.
function resolveEndpoint(option: string, value: unknown): string {
  const endpoint = trimTrailingSlashes(requireIssuerIdentifier(option, value));
  if (/\/oidc$/i.test(endpoint)) {
    throw new LogtoAuthOptionsError(
      option,
      `ends in "/oidc": give the Logto endpoint without it ("${endpoint.slice(0, -'/oidc'.length)}"); ` +
        'the issuer "<endpoint>/oidc" and the keys "<endpoint>/oidc/jwks" are derived from it',
    );
  }
  return endpoint;
}

// RFC 8725 §3.1-3.2: `none` would skip the signature and HMAC would let a public key act as the secret.
function resolveAlgorithms(algorithms: readonly string[] | undefined): readonly LogtoSigningAlgorithm[] {
  if (algorithms === undefined) return DEFAULT_ALGORITHMS;
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw new LogtoAuthOptionsError('algorithms', 'must be a non-empty array');
  }
  for (const alg of algorithms) {
    if (typeof alg === 'string' && (alg.toLowerCase() === 'none' || /^hs/i.test(alg))) {
      throw new LogtoAuthOptionsError(
        'algorithms',
        `names "${alg}", which is never accepted: only asymmetric algorithms can be verified with public keys`,
      );
    }
    if (!(SUPPORTED_ALGORITHMS as readonly unknown[]).includes(alg)) {
      throw new LogtoAuthOptionsError('algorithms', `names "${String(alg)}"; supported: ${SUPPORTED_ALGORITHMS.join(', ')}`);
    }
  }
  return Object.freeze([...new Set(algorithms as LogtoSigningAlgorithm[])]);
}

function nonNegativeNumber(option: string, value: unknown, fallback: number, max: number, min = 0): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new LogtoAuthOptionsError(option, `must be a number from ${min} to ${max}`);
  }
  return value;
}

function optionalBoolean(option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new LogtoAuthOptionsError(option, 'must be a boolean');
  return value;
}

function resolveTokenCache(tokenCache: unknown): ResolvedLogtoAuthOptions['tokenCache'] {
  if (tokenCache === false) return false;
  if (tokenCache === undefined) tokenCache = {};
  if (tokenCache === null || typeof tokenCache !== 'object' || Array.isArray(tokenCache)) {
    throw new LogtoAuthOptionsError('tokenCache', 'must be false or an object { maxEntries?, ttlMs? }');
  }
  const { maxEntries, ttlMs, ...unknown } = tokenCache as Record<string, unknown>;
  const [extra] = Object.keys(unknown);
  if (extra !== undefined) throw new LogtoAuthOptionsError(`tokenCache.${extra}`, 'is not an option (maxEntries, ttlMs)');
  if (maxEntries !== undefined && !Number.isInteger(maxEntries)) {
    throw new LogtoAuthOptionsError('tokenCache.maxEntries', 'must be an integer');
  }
  return Object.freeze({
    maxEntries: nonNegativeNumber('tokenCache.maxEntries', maxEntries, DEFAULTS.tokenCacheMaxEntries, 10_000_000, 1),
    ttlMs: nonNegativeNumber('tokenCache.ttlMs', ttlMs, DEFAULTS.tokenCacheTtlMs, 24 * 3_600_000, 1),
  });
}

function resolveRealm(realm: unknown): string {
  if (realm === undefined) return DEFAULTS.realm;
  if (typeof realm !== 'string' || !SAFE_REALM.test(realm)) {
    throw new LogtoAuthOptionsError('realm', 'must be printable ASCII without double quotes or backslashes');
  }
  return realm;
}

// A passport strategy name: a word, as `@nestjs/passport` users write them ('jwt', 'api-key', 'logto-admin').
const STRATEGY_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

function resolveStrategyName(name: unknown): string {
  if (name === undefined) return DEFAULTS.strategyName;
  if (typeof name !== 'string' || !STRATEGY_NAME.test(name)) {
    throw new LogtoAuthOptionsError('strategyName', 'must be 1 to 64 letters, digits, ".", "_", ":" or "-", starting with a letter or digit');
  }
  return name;
}

const WARM_UP_MODES: readonly unknown[] = [false, 'warn', 'fail'];

function resolveWarmUp(warmUp: unknown): LogtoWarmUp {
  if (warmUp === undefined) return false;
  if (!WARM_UP_MODES.includes(warmUp)) {
    throw new LogtoAuthOptionsError(
      'warmUp',
      'must be false (no key fetch at start-up), "warn" (fetch the keys, log a warning if that fails) or "fail" (fetch the keys, refuse to start if that fails)',
    );
  }
  return warmUp as LogtoWarmUp;
}

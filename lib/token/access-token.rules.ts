import { ACCESS_TOKEN_TYPES, LogtoSigningAlgorithm } from '../logto-auth.constants';
import { ResolvedLogtoAuthOptions } from '../logto-auth.options';
import { LogtoAuthException } from '../errors/logto-auth.exception';
import { LogtoAuthFailure } from '../errors/logto-auth.failures';
import { untrustedIssuerDetail } from '../errors/log-detail.util';
import { isAudienceAccepted, tenantOfIssuer } from './access-token.audience';

/** What the rules compare a token with. */
export type AccessTokenRuleOptions = Pick<ResolvedLogtoAuthOptions, 'algorithms' | 'tenants' | 'issuers' | 'organizations' | 'clockTolerance'>;

/** The part of the token a rule reads: the JOSE header, the claims before the key is fetched, or after the signature. */
export type AccessTokenPart = 'header' | 'claims' | 'verified';

type Fields = Readonly<Record<string, unknown>>;

export interface AccessTokenRule {
  readonly on: AccessTokenPart;
  /** The refusal when `refuses` is true. */
  readonly failure: LogtoAuthFailure;
  readonly refuses: (fields: Fields, options: AccessTokenRuleOptions, now: number) => boolean;
  /** For the server's debug log only (never sent). */
  readonly logDetail?: (fields: Fields, options: AccessTokenRuleOptions) => string;
}

const MAX_KID_LENGTH = 256;

/**
 * Every rule an access token must pass, in the order they are checked: the first that refuses decides
 * the answer. Header and claims rules run on the still unverified token, so a token that cannot pass
 * costs no JWKS request and no signature check; the signature is then verified over exactly the bytes
 * these rules read, and the verified claims get the last rules. RFC 9068 §4, RFC 8725, RFC 7519.
 */
export const ACCESS_TOKEN_RULES: readonly AccessTokenRule[] = [
  // RFC 8725 §3.1: the allowlist holds no `none` and no HS*: a token cannot choose how it is checked.
  { on: 'header', failure: 'algorithm_not_allowed', refuses: (h, o) => typeof h.alg !== 'string' || !o.algorithms.includes(h.alg as LogtoSigningAlgorithm) },
  // RFC 9068 §4: typ keeps ID tokens and other JWTs from the same issuer from passing as access tokens.
  { on: 'header', failure: 'wrong_token_type', refuses: (h) => typeof h.typ !== 'string' || !ACCESS_TOKEN_TYPES.includes(h.typ.toLowerCase()) },
  // RFC 7515 §4.1.11: a crit we do not implement must be refused; b64 (RFC 7797) only exists under crit.
  { on: 'header', failure: 'unsupported_critical_header', refuses: (h) => 'crit' in h || 'b64' in h },
  // jku, x5u and jwk are never read: keys come only from the configured JWKS (RFC 8725 §3.10).
  { on: 'header', failure: 'malformed_token', refuses: (h) => typeof h.kid !== 'string' || h.kid === '' || h.kid.length > MAX_KID_LENGTH },
  // RFC 9068 §4: iss must match exactly (no trailing-slash or case leniency); it picks the tenant.
  {
    on: 'claims',
    failure: 'wrong_issuer',
    refuses: (c, o) => typeof c.iss !== 'string' || tenantOfIssuer(c.iss, o.tenants) === undefined,
    logDetail: (c, o) => untrustedIssuerDetail(c.iss, o.issuers),
  },
  // An audience of the issuing tenant (or an organization): never another tenant's (RFC 8725 §3.9).
  { on: 'claims', failure: 'wrong_audience', refuses: (c, o) => !isAudienceAccepted(c, o.tenants, o.organizations) },
  // RFC 9068 §2.2: exp is required; at or after exp (plus the tolerance) the token is expired (RFC 7519 §4.1.4).
  { on: 'claims', failure: 'invalid_claims', refuses: (c) => !isNumericDate(c.exp) },
  { on: 'claims', failure: 'expired', refuses: (c, o, now) => now >= (c.exp as number) + o.clockTolerance },
  { on: 'claims', failure: 'invalid_claims', refuses: (c) => c.nbf !== undefined && !isNumericDate(c.nbf) },
  { on: 'claims', failure: 'not_yet_valid', refuses: (c, o, now) => (c.nbf as number) > now + o.clockTolerance },
  // RFC 9068 §2.2: iat and jti are REQUIRED (Logto always issues both); each absence has its own reason.
  { on: 'claims', failure: 'iat_missing', refuses: (c) => c.iat === undefined },
  { on: 'claims', failure: 'invalid_claims', refuses: (c) => !isNumericDate(c.iat) },
  { on: 'claims', failure: 'issued_in_future', refuses: (c, o, now) => (c.iat as number) > now + o.clockTolerance },
  { on: 'claims', failure: 'jti_missing', refuses: (c) => c.jti === undefined },
  { on: 'claims', failure: 'jti_invalid', refuses: (c) => !isNonEmptyString(c.jti) },
  // The claims every Logto access token has (RFC 9068 §2.2), on the verified payload.
  { on: 'verified', failure: 'invalid_claims', refuses: (c) => !isNonEmptyString(c.sub) },
  { on: 'verified', failure: 'invalid_claims', refuses: (c) => !isNonEmptyString(c.client_id) },
  { on: 'verified', failure: 'invalid_claims', refuses: (c) => !(isNonEmptyString(c.aud) || (Array.isArray(c.aud) && c.aud.every(isNonEmptyString))) },
  // RFC 9068 §2.2.3: scope is a space-delimited string, never an array, whichever claim scopeClaim reads.
  { on: 'verified', failure: 'invalid_claims', refuses: (c) => c.scope !== undefined && typeof c.scope !== 'string' },
  { on: 'verified', failure: 'invalid_claims', refuses: (c) => c.organization_id !== undefined && !isNonEmptyString(c.organization_id) },
];

const RULES_ON: Record<AccessTokenPart, readonly AccessTokenRule[]> = {
  header: ACCESS_TOKEN_RULES.filter((rule) => rule.on === 'header'),
  claims: ACCESS_TOKEN_RULES.filter((rule) => rule.on === 'claims'),
  verified: ACCESS_TOKEN_RULES.filter((rule) => rule.on === 'verified'),
};

/** Throws the refusal of the first rule on `part` that `fields` break. `now` is in seconds. */
export function assertAccessTokenRules(
  part: AccessTokenPart,
  fields: Fields,
  options: AccessTokenRuleOptions,
  now = Math.floor(Date.now() / 1000),
): void {
  for (const rule of RULES_ON[part]) {
    if (rule.refuses(fields, options, now)) {
      throw new LogtoAuthException(rule.failure, rule.logDetail && { logDetail: rule.logDetail(fields, options) });
    }
  }
}

// RFC 7519 §2 NumericDate, bounded to what a Date can hold (year 9999), so expiresAt is never Invalid Date.
const MAX_NUMERIC_DATE = 253_402_300_799;

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_NUMERIC_DATE;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

import { ACCESS_TOKEN_TYPES, LogtoSigningAlgorithm } from '../logto-auth.constants';
import { LogtoAuthException } from '../errors/logto-auth.exception';
import { LogtoAccessTokenClaims } from '../interfaces/logto-user.interface';
import { untrustedIssuerDetail } from '../errors/log-detail';

export interface AccessTokenHeader extends Readonly<Record<string, unknown>> {
  readonly alg: LogtoSigningAlgorithm;
  readonly kid: string;
}

export interface ClaimRuleOptions {
  readonly issuers: readonly string[];
  readonly clockTolerance: number;
}

const MAX_KID_LENGTH = 256;

/** Header rules, checked before any key is looked up (RFC 8725 §3.1, RFC 9068 §4). */
export function assertAccessTokenHeader(
  header: Readonly<Record<string, unknown>>,
  algorithms: readonly LogtoSigningAlgorithm[],
): asserts header is AccessTokenHeader {
  // The allowlist holds no `none` and no HS*: a token cannot choose how it is checked (RFC 8725 §3.1).
  if (typeof header.alg !== 'string' || !algorithms.includes(header.alg as LogtoSigningAlgorithm)) {
    throw new LogtoAuthException('algorithm_not_allowed');
  }
  // RFC 9068 §4: typ keeps ID tokens and other JWTs from the same issuer from passing as access tokens.
  if (typeof header.typ !== 'string' || !ACCESS_TOKEN_TYPES.includes(header.typ.toLowerCase())) {
    throw new LogtoAuthException('wrong_token_type');
  }
  // RFC 7515 §4.1.11: a crit we do not implement must be refused; b64 (RFC 7797) only exists under crit.
  if ('crit' in header || 'b64' in header) throw new LogtoAuthException('unsupported_critical_header');
  // jku, x5u and jwk are never read: keys come only from the configured JWKS (RFC 8725 §3.10).
  if (typeof header.kid !== 'string' || header.kid === '' || header.kid.length > MAX_KID_LENGTH) {
    throw new LogtoAuthException('malformed_token');
  }
}

/**
 * Issuer, time and identity (iat, jti) rules on the still unverified payload: cheap, and they spare the
 * JWKS a request for tokens that cannot pass. jsonwebtoken checks iss, exp and nbf again after the
 * signature; the payload it verifies is the one checked here (same bytes), so iat and jti hold for it too.
 */
export function assertIssuerAndLifetime(
  payload: Readonly<Record<string, unknown>>,
  { issuers, clockTolerance }: ClaimRuleOptions,
  now = Math.floor(Date.now() / 1000),
): void {
  // RFC 9068 §4: iss must match exactly; no trailing-slash or case leniency.
  if (typeof payload.iss !== 'string' || !issuers.includes(payload.iss)) {
    throw new LogtoAuthException('wrong_issuer', { logDetail: untrustedIssuerDetail(payload.iss, issuers) });
  }
  // RFC 9068 §2.2: exp is required (jsonwebtoken would accept a token without one).
  if (!isNumericDate(payload.exp)) throw new LogtoAuthException('invalid_claims');
  if (now >= payload.exp + clockTolerance) throw new LogtoAuthException('expired');
  if (payload.nbf !== undefined) {
    if (!isNumericDate(payload.nbf)) throw new LogtoAuthException('invalid_claims');
    if (payload.nbf > now + clockTolerance) throw new LogtoAuthException('not_yet_valid');
  }
  // RFC 9068 §2.2: iat and jti are REQUIRED (Logto always issues both); each absence has its own reason.
  if (payload.iat === undefined) throw new LogtoAuthException('iat_missing');
  if (!isNumericDate(payload.iat)) throw new LogtoAuthException('invalid_claims');
  if (payload.iat > now + clockTolerance) throw new LogtoAuthException('issued_in_future');
  if (payload.jti === undefined) throw new LogtoAuthException('jti_missing');
  if (!isNonEmptyString(payload.jti)) throw new LogtoAuthException('jti_invalid');
}

/** The claims every Logto access token has (RFC 9068 §2.2), checked on the verified payload. */
export function assertAccessTokenClaims(payload: Readonly<Record<string, unknown>>): asserts payload is LogtoAccessTokenClaims {
  const valid =
    isNonEmptyString(payload.sub) &&
    isNonEmptyString(payload.client_id) &&
    (isNonEmptyString(payload.aud) || (Array.isArray(payload.aud) && payload.aud.every(isNonEmptyString))) &&
    // RFC 9068 §2.2.3: scope is a space-delimited string, never an array, whichever claim scopeClaim reads.
    (payload.scope === undefined || typeof payload.scope === 'string') &&
    (payload.organization_id === undefined || isNonEmptyString(payload.organization_id));
  if (!valid) throw new LogtoAuthException('invalid_claims');
}

// RFC 7519 §2 NumericDate, bounded to what a Date can hold (year 9999), so expiresAt is never Invalid Date.
const MAX_NUMERIC_DATE = 253_402_300_799;

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_NUMERIC_DATE;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

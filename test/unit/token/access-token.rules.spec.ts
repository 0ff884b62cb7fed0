import { describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_RULES, AccessTokenPart, AccessTokenRuleOptions, assertAccessTokenRules } from '../../../lib/token/access-token.rules';
import { LOGTO_AUTH_FAILURES } from '../../../lib/errors/logto-auth.failures';
import { DEFAULT_ALGORITHMS } from '../../../lib';
import { readScopes } from '../../../lib/token/scope-claim.reader';
import { LogtoAccessTokenClaims } from '../../../lib/interfaces/logto-user.interface';
import { LogtoAuthException } from '../../../lib/errors/logto-auth.exception';
import { reasonOf } from '../../helpers/reason-of';

// Each rule on its own, with its boundary values, on the unverified claims (the rules the verifier checks
// before any key is fetched; the signature then covers exactly these bytes).
const ISSUER = 'https://tenant.logto.app/oidc';
const AUDIENCE = 'https://api.example.com';
const NOW = 1_800_000_000;
const TOLERANCE = 5;
function ruleOptions(issuers: readonly string[] = [ISSUER], extra: Partial<AccessTokenRuleOptions> = {}): AccessTokenRuleOptions {
  return {
    algorithms: DEFAULT_ALGORITHMS,
    tenants: [{ issuers, jwksUri: `${issuers[0]}/jwks`, audiences: [AUDIENCE] }],
    issuers,
    organizations: false,
    clockTolerance: TOLERANCE,
    ...extra,
  };
}
const rules = ruleOptions();
const payload = (claims: Record<string, unknown> = {}) => ({ iss: ISSUER, aud: AUDIENCE, exp: NOW + 600, iat: NOW, jti: 'jti-1', ...claims });
const preCheck = (claims: Record<string, unknown>, options = rules) =>
  reasonOf(() => assertAccessTokenRules('claims', payload(claims), options, NOW));
const check = (part: AccessTokenPart, fields: Record<string, unknown>, options = rules) =>
  reasonOf(() => assertAccessTokenRules(part, fields, options, NOW));

describe('the rule table', () => {
  it('is ordered header -> claims (before the key) -> verified claims, and every failure is in the failure table', () => {
    const parts = ACCESS_TOKEN_RULES.map((rule) => rule.on);
    expect(parts).toEqual([...parts].sort((a, b) => ['header', 'claims', 'verified'].indexOf(a) - ['header', 'claims', 'verified'].indexOf(b)));
    for (const rule of ACCESS_TOKEN_RULES) expect(LOGTO_AUTH_FAILURES).toHaveProperty(rule.failure);
  });

  it('checks the issuer, then the audience, then the lifetime: the first rule that refuses decides', () => {
    const everythingWrong = { iss: 'https://evil.example.com/oidc', aud: 'x', exp: NOW - 60, iat: undefined, jti: undefined };
    expect(preCheck(everythingWrong)).toBe('wrong_issuer');
    expect(preCheck({ ...everythingWrong, iss: ISSUER })).toBe('wrong_audience');
    expect(preCheck({ ...everythingWrong, iss: ISSUER, aud: AUDIENCE })).toBe('expired');
    expect(preCheck({ ...everythingWrong, iss: ISSUER, aud: AUDIENCE, exp: NOW + 60 })).toBe('iat_missing');
    expect(preCheck({ iat: NOW, jti: undefined })).toBe('jti_missing');
  });

  it('logs (never sends) what the token said and what is trusted, on a wrong issuer', () => {
    try {
      assertAccessTokenRules('claims', payload({ iss: 'https://evil.example.com/oidc' }), rules, NOW);
    } catch (error) {
      expect((error as LogtoAuthException).details.logDetail).toBe(`token iss "https://evil.example.com/oidc"; trusted: "${ISSUER}"`);
      return;
    }
    throw new Error('accepted');
  });
});

describe('header rules (RFC 8725 §3.1, RFC 9068 §4, RFC 7515 §4.1.11)', () => {
  const header = (fields: Record<string, unknown> = {}) => ({ alg: 'ES384', typ: 'at+jwt', kid: 'k1', ...fields });

  it.each([
    [{}, 'accepted'],
    [{ typ: 'application/at+jwt' }, 'accepted'],
    [{ alg: 'HS256' }, 'algorithm_not_allowed'],
    [{ alg: 'none' }, 'algorithm_not_allowed'],
    [{ alg: 'RS384' }, 'algorithm_not_allowed'], // supported, but not in the default allowlist
    [{ alg: undefined }, 'algorithm_not_allowed'],
    [{ typ: 'JWT' }, 'wrong_token_type'],
    [{ typ: undefined }, 'wrong_token_type'],
    [{ crit: ['exp'] }, 'unsupported_critical_header'],
    [{ b64: false }, 'unsupported_critical_header'],
    [{ kid: '' }, 'malformed_token'],
    [{ kid: 'k'.repeat(257) }, 'malformed_token'],
    [{ kid: 'k'.repeat(256) }, 'accepted'],
    [{ kid: 7 }, 'malformed_token'],
    [{ alg: 'HS256', typ: 'JWT', kid: '' }, 'algorithm_not_allowed'],
  ])('%j -> %s', (fields, reason) => {
    expect(check('header', header(fields))).toBe(reason);
  });
});

describe('audience: of the issuing tenant, or an organization when enabled', () => {
  const OTHER = 'https://other.logto.app/oidc';
  const twoTenants = {
    ...ruleOptions([ISSUER, OTHER]),
    tenants: [
      { issuers: [ISSUER], jwksUri: `${ISSUER}/jwks`, audiences: [AUDIENCE] },
      { issuers: [OTHER], jwksUri: `${OTHER}/jwks`, audiences: ['https://other-api.example.com'] },
    ],
  };

  it.each([
    [{ aud: AUDIENCE }, 'accepted'],
    [{ aud: ['https://a.example.com', AUDIENCE] }, 'accepted'],
    [{ aud: 'https://other-api.example.com' }, 'wrong_audience'], // another tenant's audience
    [{ iss: OTHER, aud: 'https://other-api.example.com' }, 'accepted'],
    [{ iss: OTHER, aud: AUDIENCE }, 'wrong_audience'],
    [{ aud: undefined }, 'wrong_audience'],
    [{ aud: [] }, 'wrong_audience'],
    [{ aud: 'urn:logto:organization:o1' }, 'wrong_audience'], // organizations off
  ])('%j -> %s', (claims, reason) => {
    expect(preCheck(claims, twoTenants)).toBe(reason);
  });

  it('accepts an organization audience only with organizations enabled, and only a well-formed one', () => {
    const organizations = { ...rules, organizations: true };
    expect(preCheck({ aud: 'urn:logto:organization:o1' }, organizations)).toBe('accepted');
    expect(preCheck({ aud: 'urn:logto:organization:' }, organizations)).toBe('wrong_audience');
    expect(preCheck({ aud: 'urn:logto:organization:o 1' }, organizations)).toBe('wrong_audience');
  });
});

describe('verified claims (RFC 9068 §2.2)', () => {
  const verified = (claims: Record<string, unknown>) => ({ sub: 'u', client_id: 'c', aud: AUDIENCE, ...claims });

  it.each([
    [{}, 'accepted'],
    [{ sub: undefined }, 'invalid_claims'],
    [{ sub: '' }, 'invalid_claims'],
    [{ client_id: 7 }, 'invalid_claims'],
    [{ aud: [AUDIENCE, ''] }, 'invalid_claims'],
    [{ aud: [AUDIENCE, 7] }, 'invalid_claims'],
    [{ organization_id: '' }, 'invalid_claims'],
    [{ organization_id: 'o1' }, 'accepted'],
  ])('%j -> %s', (claims, reason) => {
    expect(check('verified', verified(claims))).toBe(reason);
  });
});

describe('claims before the key: iss (RFC 9068 §4, exact match)', () => {
  it('accepts the configured issuer, exactly', () => {
    expect(preCheck({})).toBe('accepted');
  });

  it.each([
    ['a trailing slash', `${ISSUER}/`],
    ['two trailing slashes', `${ISSUER}//`],
    ['a longer string starting with it', `${ISSUER}x`],
    ['a path below it', `${ISSUER}/evil`],
    ['a prefix of it', ISSUER.slice(0, -1)],
    ['its origin only', 'https://tenant.logto.app'],
    ['upper case', ISSUER.toUpperCase()],
    ['a leading space', ` ${ISSUER}`],
    ['a trailing space', `${ISSUER} `],
    ['the empty string', ''],
    ['an array holding it', [ISSUER]],
    ['absent', undefined],
  ])('refuses %s', (_, iss) => {
    expect(preCheck({ iss })).toBe('wrong_issuer');
  });

  it('does not strip a trailing slash from the configured issuer either', () => {
    const slashed = ruleOptions([`${ISSUER}/`]);
    expect(preCheck({}, slashed)).toBe('wrong_issuer');
    expect(preCheck({ iss: `${ISSUER}/` }, slashed)).toBe('accepted');
  });

  it('accepts each configured issuer (custom domains) and nothing between them', () => {
    const two = ruleOptions([ISSUER, 'https://auth.example.com/oidc']);
    expect(preCheck({ iss: 'https://auth.example.com/oidc' }, two)).toBe('accepted');
    expect(preCheck({ iss: 'https://auth.example.com/oidc/' }, two)).toBe('wrong_issuer');
  });
});

describe('claims before the key: exp, nbf, iat at the edge of clockTolerance', () => {
  it.each([
    [{ exp: NOW - TOLERANCE + 1 }, 'accepted'],
    [{ exp: NOW - TOLERANCE }, 'expired'],
    [{ nbf: NOW + TOLERANCE }, 'accepted'],
    [{ nbf: NOW + TOLERANCE + 1 }, 'not_yet_valid'],
    [{ iat: NOW + TOLERANCE }, 'accepted'],
    [{ iat: NOW + TOLERANCE + 1 }, 'issued_in_future'],
  ])('%j -> %s', (claims, reason) => {
    expect(preCheck(claims)).toBe(reason);
  });
});

describe('claims before the key: iat and jti are required (RFC 9068 §2.2)', () => {
  it.each([
    [{ iat: undefined }, 'iat_missing'],
    [{ iat: null }, 'invalid_claims'],
    [{ iat: '1800000000' }, 'invalid_claims'],
    [{ iat: 0 }, 'accepted'],
    [{ jti: undefined }, 'jti_missing'],
    [{ jti: '' }, 'jti_invalid'],
    [{ jti: 0 }, 'jti_invalid'],
    [{ jti: null }, 'jti_invalid'],
    [{ jti: ['jti-1'] }, 'jti_invalid'],
    [{ jti: 'x' }, 'accepted'],
  ])('%j -> %s', (claims, reason) => {
    expect(preCheck(claims)).toBe(reason);
  });
});

describe('the scope claim (RFC 9068 §2.2.3: a space-delimited string)', () => {
  const verified = (claims: Record<string, unknown>) => ({ sub: 'u', client_id: 'c', aud: AUDIENCE, ...claims });
  const assertAccessTokenClaims = (claims: Record<string, unknown>) => assertAccessTokenRules('verified', claims, rules, NOW);

  it('refuses a scope array on the verified payload, whichever claim scopeClaim reads', () => {
    expect(reasonOf(() => assertAccessTokenClaims(verified({ scope: ['read'] })))).toBe('invalid_claims');
    expect(reasonOf(() => assertAccessTokenClaims(verified({ scope: 'read write' })))).toBe('accepted');
    expect(reasonOf(() => assertAccessTokenClaims(verified({ scope: '' })))).toBe('accepted');
  });

  it('reads scope as a string only; scp / permissions as a string or an array of strings', () => {
    const claims = (extra: Record<string, unknown>) => verified(extra) as unknown as LogtoAccessTokenClaims;
    expect(readScopes(claims({ scope: 'a b  a' }), 'scope')).toEqual(['a', 'b']);
    expect(readScopes(claims({}), 'scope')).toEqual([]);
    expect(reasonOf(() => readScopes(claims({ scope: ['a'] }), 'scope'))).toBe('invalid_claims');
    expect(readScopes(claims({ permissions: ['a', '', 'a', 'b'] }), 'permissions')).toEqual(['a', 'b']);
    expect(readScopes(claims({ scp: 'a b' }), 'scp')).toEqual(['a', 'b']);
    expect(reasonOf(() => readScopes(claims({ permissions: ['a', 1] }), 'permissions'))).toBe('invalid_claims');
  });
});

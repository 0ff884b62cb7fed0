import { describe, expect, it } from 'vitest';
import { assertAccessTokenClaims, assertIssuerAndLifetime } from '../../lib/token/access-token-rules';
import { readScopes } from '../../lib/token/scope-claim';
import { LogtoAccessTokenClaims } from '../../lib/interfaces/logto-user.interface';
import { reasonOf } from '../helpers/reason-of';

// Each rule on its own, with its boundary values: over HTTP, jsonwebtoken checks iss, exp and nbf a second
// time after the signature, and that second check would hide a broken first one.
const ISSUER = 'https://tenant.logto.app/oidc';
const NOW = 1_800_000_000;
const TOLERANCE = 5;
const rules = { issuers: [ISSUER], clockTolerance: TOLERANCE };
const payload = (claims: Record<string, unknown> = {}) => ({ iss: ISSUER, exp: NOW + 600, iat: NOW, jti: 'jti-1', ...claims });
const preCheck = (claims: Record<string, unknown>, options = rules) => reasonOf(() => assertIssuerAndLifetime(payload(claims), options, NOW));

describe('assertIssuerAndLifetime: iss (RFC 9068 §4, exact match)', () => {
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
    const slashed = { ...rules, issuers: [`${ISSUER}/`] };
    expect(preCheck({}, slashed)).toBe('wrong_issuer');
    expect(preCheck({ iss: `${ISSUER}/` }, slashed)).toBe('accepted');
  });

  it('accepts each configured issuer (custom domains) and nothing between them', () => {
    const two = { ...rules, issuers: [ISSUER, 'https://auth.example.com/oidc'] };
    expect(preCheck({ iss: 'https://auth.example.com/oidc' }, two)).toBe('accepted');
    expect(preCheck({ iss: 'https://auth.example.com/oidc/' }, two)).toBe('wrong_issuer');
  });
});

describe('assertIssuerAndLifetime: exp, nbf, iat at the edge of clockTolerance', () => {
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

describe('assertIssuerAndLifetime: iat and jti are required (RFC 9068 §2.2)', () => {
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
  const verified = (claims: Record<string, unknown>) => ({ sub: 'u', client_id: 'c', aud: 'https://api.example.com', ...claims });

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

import { describe, expect, it } from 'vitest';
import { reasonOf } from '../helpers/reason-of';
import { DEFAULT_ALGORITHMS, LogtoAuthException, SUPPORTED_ALGORITHMS } from '../../lib';
import { assertScopes } from '../../lib/scopes/route-auth.rules';
import { decodeJws } from '../../lib/token/jws.decoder';
import { parseScope } from '../../lib/token/scope-claim.reader';
import { challengeHeaders } from '../../lib/errors/www-authenticate.header';
import { b64url } from '../helpers/sign-token';


describe('decodeJws', () => {
  it('parses header and payload objects', () => {
    expect(decodeJws(`${b64url({ alg: 'ES384' })}.${b64url({ sub: 'x' })}.c2ln`)).toEqual({ header: { alg: 'ES384' }, payload: { sub: 'x' } });
  });

  it.each([
    ['opaque', 'opaque_token'],
    ['a.b.c.d.e', 'encrypted_token'],
    ['a.b', 'malformed_token'],
    ['a.b.', 'malformed_token'],
    [`${b64url({})}.${b64url({})}.c+d`, 'malformed_token'],
    [`${b64url('null')}.${b64url({})}.sig`, 'malformed_token'],
    [`${b64url('"str"')}.${b64url({})}.sig`, 'malformed_token'],
    [`${b64url({})}.${b64url('[]')}.sig`, 'malformed_token'],
    [`${b64url({})}.${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}.sig`, 'malformed_token'],
  ])('%s -> %s', (token, reason) => {
    expect(reasonOf(() => decodeJws(token))).toBe(reason);
  });
});

describe('parseScope and assertScopes', () => {
  it('splits on spaces, drops empties and duplicates', () => {
    expect(parseScope(undefined)).toEqual([]);
    expect(parseScope('')).toEqual([]);
    expect(parseScope(' a  b a ')).toEqual(['a', 'b']);
  });

  it('requires all of allOf and one of each anyOf group, exactly', () => {
    const rules = { isPublic: false, isOptional: false, allOf: ['a'], anyOf: [['b', 'c']] };
    expect(reasonOf(() => assertScopes(['a', 'c'], rules))).toBe('accepted');
    expect(reasonOf(() => assertScopes(['a'], rules))).toBe('insufficient_scope');
    expect(reasonOf(() => assertScopes(['ab', 'c'], rules))).toBe('insufficient_scope');
    expect(reasonOf(() => assertScopes([], { isPublic: false, isOptional: false, allOf: [], anyOf: [] }))).toBe('accepted');
  });
});

describe('challengeHeaders', () => {
  it('formats RFC 6750 challenges and Retry-After', () => {
    expect(challengeHeaders(new LogtoAuthException('header_missing'), 'r')).toEqual({ 'WWW-Authenticate': 'Bearer realm="r"' });
    expect(challengeHeaders(new LogtoAuthException('insufficient_scope', { requiredScopes: ['a', 'b'] }), 'r')).toEqual({
      'WWW-Authenticate':
        'Bearer realm="r", error="insufficient_scope", error_description="The access token lacks a scope this resource requires.", scope="a b"',
    });
    expect(challengeHeaders(new LogtoAuthException('jwks_unavailable', { retryAfterSeconds: 3 }), 'r')).toEqual({ 'Retry-After': '3' });
    expect(challengeHeaders(new LogtoAuthException('validation_timeout', { retryAfterSeconds: 5 }), 'r')).toEqual({ 'Retry-After': '5' });
  });

  it('puts @AnyScope alternatives in error_description, never in scope (RFC 6750 §3)', () => {
    const base = 'The access token lacks a scope this resource requires.';
    expect(challengeHeaders(new LogtoAuthException('insufficient_scope', { scopeAlternatives: [['a', 'b']] }), 'r')).toEqual({
      'WWW-Authenticate': `Bearer realm="r", error="insufficient_scope", error_description="${base} It needs one of: a, b."`,
    });
    const both = new LogtoAuthException('insufficient_scope', { requiredScopes: ['c'], scopeAlternatives: [['a', 'b'], ['d', 'e']] });
    expect(challengeHeaders(both, 'r')).toEqual({
      'WWW-Authenticate': `Bearer realm="r", error="insufficient_scope", error_description="${base} Besides the scopes in scope, it needs one of: a, b; and one of: d, e.", scope="c"`,
    });
    expect(both.getResponse()).toMatchObject({ message: `${base} Besides the scopes in scope, it needs one of: a, b; and one of: d, e.` });
  });
});

describe('module constants', () => {
  it('cannot be widened at run time', () => {
    expect(() => (DEFAULT_ALGORITHMS as string[]).push('HS256')).toThrow(TypeError);
    expect(() => (SUPPORTED_ALGORITHMS as unknown as string[]).push('none')).toThrow(TypeError);
  });
});

import { describe, expect, it } from 'vitest';
import { LogtoAuthException } from '../../../lib';
import { challengeHeaders } from '../../../lib/errors/www-authenticate.header';

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

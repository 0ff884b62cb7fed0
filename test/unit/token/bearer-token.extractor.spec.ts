import { describe, expect, it } from 'vitest';
import { reasonOf } from '../../helpers/reason-of';
import { assertBearerTokenForm, bearerTokenOf, readAuthorizationHeader } from '../../../lib/token/bearer-token.extractor';

// The header rules in the order a request meets them: the scheme and separator, then (first step of a
// verification, skipped by a cache hit) the token's b64token form.
function extractBearerToken(header: string | undefined): string {
  const token = bearerTokenOf(header);
  assertBearerTokenForm(token);
  return token;
}

describe('bearerTokenOf, then assertBearerTokenForm', () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer abc', 'abc'],
    ['BEARER   abc', 'abc'],
    ['Bearer a-b_c.d~e+f/g==', 'a-b_c.d~e+f/g=='],
  ])('%j -> %j', (header, token) => {
    expect(extractBearerToken(header)).toBe(token);
  });

  it.each([
    [undefined, 'header_missing'],
    ['', 'header_missing'],
    ['Basic abc', 'scheme_not_bearer'],
    ['Bearerabc', 'scheme_not_bearer'],
    ['Bearer.abc', 'scheme_not_bearer'],
    ['Bear abc', 'scheme_not_bearer'],
    ['Bearer', 'invalid_header_format'],
    ['Bearer ', 'invalid_header_format'],
    ['Bearer\tabc', 'invalid_header_format'],
    ['Bearer abc def', 'invalid_header_format'],
    ['Bearer abc=def', 'invalid_header_format'],
    ['Bearer abc\u0000', 'invalid_header_format'],
    ['Bearer abcé', 'invalid_header_format'],
    ['Bearer ,abc', 'invalid_header_format'],
  ])('%j -> %s', (header, reason) => {
    expect(reasonOf(() => extractBearerToken(header))).toBe(reason);
  });
});

describe('readAuthorizationHeader', () => {
  it('reads the parsed header and counts raw ones (Express shape and Fastify raw shape)', () => {
    const headers = { authorization: 'Bearer a' };
    expect(readAuthorizationHeader({ headers, rawHeaders: ['Authorization', 'Bearer a'] })).toBe('Bearer a');
    expect(readAuthorizationHeader({ headers, raw: { rawHeaders: ['authorization', 'Bearer a'] } })).toBe('Bearer a');
    expect(readAuthorizationHeader({ headers: {} })).toBeUndefined();
  });

  it('refuses two Authorization headers, which Node would silently reduce to the first', () => {
    const rawHeaders = ['Authorization', 'Bearer a', 'Host', 'x', 'AUTHORIZATION', 'Bearer b'];
    expect(reasonOf(() => readAuthorizationHeader({ headers: { authorization: 'Bearer a' }, rawHeaders }))).toBe('invalid_header_format');
    expect(reasonOf(() => readAuthorizationHeader({ headers: { authorization: 'Bearer a' }, raw: { rawHeaders } }))).toBe('invalid_header_format');
    expect(reasonOf(() => readAuthorizationHeader({ headers: { authorization: ['a', 'b'] } }))).toBe('invalid_header_format');
  });
});

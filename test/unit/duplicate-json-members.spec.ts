import { describe, expect, it } from 'vitest';
import { hasDuplicateMemberNames } from '../../lib/token/duplicate-json-members.util';
import { decodeJws } from '../../lib/token/jws.decoder';
import { LogtoAuthException } from '../../lib/errors/logto-auth.exception';
import { b64url } from '../helpers/sign-token';

describe('hasDuplicateMemberNames', () => {
  it.each([
    ['a top-level duplicate', '{"alg":"ES384","alg":"none"}'],
    ['a duplicate spelled with an escape', '{"alg":"ES384","\\u0061lg":"none"}'],
    ['a duplicate after whitespace and nesting', '{ "a" : {"x":1} , "b":[1,{"c":2}], "a" : 2 }'],
    ['a duplicate inside a nested object', '{"a":{"x":1,"y":2,"x":3}}'],
    ['a duplicate inside an object in an array', '{"a":[{"k":1},{"k":1,"k":2}]}'],
    ['a duplicate empty name', '{"":1,"":2}'],
  ])('finds %s', (_, json) => {
    JSON.parse(json); // the precondition: valid JSON
    expect(hasDuplicateMemberNames(json)).toBe(true);
  });

  it.each([
    ['distinct names', '{"alg":"ES384","typ":"at+jwt","kid":"k1"}'],
    ['the same name in sibling objects', '{"a":{"k":1},"b":{"k":2},"c":[{"k":1},{"k":2}]}'],
    ['a name repeated as a string value', '{"a":"a","b":"a","c":["a","a"]}'],
    ['quotes, commas and braces inside strings', '{"a":"x\\",\\"a\\":{","b":"}]","c":"\\\\"}'],
    ['names that only differ by case', '{"Alg":1,"alg":2}'],
    ['an empty object and empty containers', '{"a":{},"b":[],"c":[[],{}]}'],
  ])('accepts %s', (_, json) => {
    JSON.parse(json);
    expect(hasDuplicateMemberNames(json)).toBe(false);
  });

  it('handles a large claims set with many distinct names in one pass', () => {
    const members = Array.from({ length: 50_000 }, (_, i) => `"claim_${i}":${i}`);
    expect(hasDuplicateMemberNames(`{${members.join(',')}}`)).toBe(false);
    expect(hasDuplicateMemberNames(`{${members.join(',')},"claim_0":0}`)).toBe(true);
  });
});

describe('decodeJws', () => {
  const segment = (json: string) => Buffer.from(json).toString('base64url');
  const reasonOf = (token: string) => {
    try {
      decodeJws(token);
      return 'accepted';
    } catch (error) {
      return (error as LogtoAuthException).reason;
    }
  };

  it('refuses duplicate names in the header or the payload (RFC 7515 §5.2)', () => {
    const header = segment('{"alg":"ES384","typ":"at+jwt","kid":"k"}');
    const payload = segment('{"sub":"u"}');
    expect(reasonOf(`${header}.${payload}.c2ln`)).toBe('accepted');
    expect(reasonOf(`${segment('{"alg":"ES384","kid":"k","alg":"none"}')}.${payload}.c2ln`)).toBe('malformed_token');
    expect(reasonOf(`${header}.${segment('{"iss":"a","sub":"u","iss":"b"}')}.c2ln`)).toBe('malformed_token');
  });

  it('refuses a non-canonical base64url spelling of the same bytes (RFC 4648 §3.5)', () => {
    const header = b64url({ alg: 'ES384', kid: 'k' }); // 30 bytes: no spare bits
    const payload = b64url({ sub: 'u1' }); // 12 bytes: no spare bits
    const signature = Buffer.from([1, 2, 3, 4]).toString('base64url'); // "AQIDBA": the last char carries 4 spare bits
    expect(reasonOf(`${header}.${payload}.${signature}`)).toBe('accepted');
    const sameBytes = `${signature.slice(0, -1)}B`;
    expect(Buffer.from(sameBytes, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    expect(reasonOf(`${header}.${payload}.${sameBytes}`)).toBe('malformed_token');
    expect(reasonOf(`${header}.${payload}.AQIDB`)).toBe('malformed_token'); // 4n+1 characters cannot be base64
  });
});

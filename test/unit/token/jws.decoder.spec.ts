import { describe, expect, it } from 'vitest';
import { LogtoAuthException } from '../../../lib/errors/logto-auth.exception';
import { decodeJws } from '../../../lib/token/jws.decoder';
import { reasonOf } from '../../helpers/reason-of';
import { b64url } from '../../helpers/sign-token';

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

  const segment = (json: string) => Buffer.from(json).toString('base64url');
  const reasonOfToken = (token: string) => {
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
    expect(reasonOfToken(`${header}.${payload}.c2ln`)).toBe('accepted');
    expect(reasonOfToken(`${segment('{"alg":"ES384","kid":"k","alg":"none"}')}.${payload}.c2ln`)).toBe('malformed_token');
    expect(reasonOfToken(`${header}.${segment('{"iss":"a","sub":"u","iss":"b"}')}.c2ln`)).toBe('malformed_token');
  });

  it('refuses a non-canonical base64url spelling of the same bytes (RFC 4648 §3.5)', () => {
    const header = b64url({ alg: 'ES384', kid: 'k' }); // 30 bytes: no spare bits
    const payload = b64url({ sub: 'u1' }); // 12 bytes: no spare bits
    const signature = Buffer.from([1, 2, 3, 4]).toString('base64url'); // "AQIDBA": the last char carries 4 spare bits
    expect(reasonOfToken(`${header}.${payload}.${signature}`)).toBe('accepted');
    const sameBytes = `${signature.slice(0, -1)}B`;
    expect(Buffer.from(sameBytes, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    expect(reasonOfToken(`${header}.${payload}.${sameBytes}`)).toBe('malformed_token');
    expect(reasonOfToken(`${header}.${payload}.AQIDB`)).toBe('malformed_token'); // 4n+1 characters cannot be base64
  });
});

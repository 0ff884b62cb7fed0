import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accepted, expectOutcome, invalidToken, Outcome } from '../helpers/expect-outcome';
import { ProtectedApi, startProtectedApi } from '../helpers/protected-api';
import { createTestKey, TestKey } from '../helpers/keys';
import { b64url, signJws, TEST_AUDIENCE } from '../helpers/sign-token';
import { ADAPTERS } from '../helpers/test-app';

const es384 = createTestKey('ES384');
const es256 = createTestKey('ES256');

interface Case {
  readonly name: string;
  readonly token: (issuer: string) => string;
  readonly outcome: Outcome;
}

const headerOf = (key: TestKey) => `{"alg":"${key.alg}","typ":"at+jwt","kid":"${key.kid}"}`;
const claimsOf = (issuer: string) => {
  const now = Math.floor(Date.now() / 1000);
  return `{"iss":"${issuer}","sub":"user-1","aud":"${TEST_AUDIENCE}","exp":${now + 600},"iat":${now},"jti":"jti-1","client_id":"app-1","scope":"read:documents"}`;
};
/** Signs raw segments with a real key: a valid signature must not rescue a malformed token. */
const signed = (header: string | Buffer, payload: string | Buffer, key = es384) => {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${signJws(input, key)}`;
};
const seg = b64url;

const CASES: readonly Case[] = [
  { name: 'the well-formed control token', token: (iss) => signed(headerOf(es384), claimsOf(iss)), outcome: accepted },
  { name: 'one part (opaque)', token: () => 'opaqueaccesstokenvalue', outcome: invalidToken('opaque_token') },
  { name: 'two parts', token: (iss) => `${seg(headerOf(es384))}.${seg(claimsOf(iss))}`, outcome: invalidToken('malformed_token') },
  { name: 'four parts', token: (iss) => `${signed(headerOf(es384), claimsOf(iss))}.${seg('x')}`, outcome: invalidToken('malformed_token') },
  {
    name: 'a JWE (five parts)',
    token: () => [seg({ alg: 'RSA-OAEP', enc: 'A256GCM', kid: es384.kid }), seg('k'), seg('iv'), seg('ct'), seg('tag')].join('.'),
    outcome: invalidToken('encrypted_token'),
  },
  { name: 'six parts', token: () => 'a.b.c.d.e.f', outcome: invalidToken('malformed_token') },
  { name: 'an empty header segment', token: (iss) => `.${seg(claimsOf(iss))}.${seg('sig')}`, outcome: invalidToken('malformed_token') },
  { name: 'an empty payload segment', token: () => `${seg(headerOf(es384))}..${seg('sig')}`, outcome: invalidToken('malformed_token') },
  { name: 'an empty signature (unsigned)', token: (iss) => `${seg(headerOf(es384))}.${seg(claimsOf(iss))}.`, outcome: invalidToken('malformed_token') },
  { name: 'a header that is not JSON', token: (iss) => signed('alg=ES384', claimsOf(iss)), outcome: invalidToken('malformed_token') },
  { name: 'a header that is a JSON array', token: (iss) => signed(`[${headerOf(es384)}]`, claimsOf(iss)), outcome: invalidToken('malformed_token') },
  { name: 'a payload that is not JSON', token: () => signed(headerOf(es384), 'hello'), outcome: invalidToken('malformed_token') },
  { name: 'a payload that is a JSON array', token: (iss) => signed(headerOf(es384), `[${claimsOf(iss)}]`), outcome: invalidToken('malformed_token') },
  { name: 'a payload that is a JSON string', token: () => signed(headerOf(es384), '"user-1"'), outcome: invalidToken('malformed_token') },
  { name: 'a payload that is a JSON number', token: () => signed(headerOf(es384), '42'), outcome: invalidToken('malformed_token') },
  { name: 'a payload that is JSON null', token: () => signed(headerOf(es384), 'null'), outcome: invalidToken('malformed_token') },
  { name: 'a payload that is JSON true', token: () => signed(headerOf(es384), 'true'), outcome: invalidToken('malformed_token') },
  {
    name: 'invalid UTF-8 in the payload',
    token: (iss) => signed(headerOf(es384), Buffer.concat([Buffer.from(claimsOf(iss).slice(0, -1)), Buffer.from(',"x":"\xff\xfe"}', 'latin1')])),
    outcome: invalidToken('malformed_token'),
  },
  {
    name: 'invalid UTF-8 in the header',
    token: (iss) => signed(Buffer.concat([Buffer.from(headerOf(es384).slice(0, -1)), Buffer.from(',"x":"\xc0\xaf"}', 'latin1')]), claimsOf(iss)),
    outcome: invalidToken('malformed_token'),
  },
  {
    name: 'a UTF-16 surrogate half in the payload (as raw bytes)',
    token: (iss) => signed(headerOf(es384), Buffer.concat([Buffer.from(claimsOf(iss).slice(0, -1)), Buffer.from([0x2c, 0x22, 0x78, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d])])),
    outcome: invalidToken('malformed_token'),
  },
  {
    name: 'a duplicate alg in the header',
    token: (iss) => signed(`{"alg":"ES384","typ":"at+jwt","kid":"${es384.kid}","alg":"ES384"}`, claimsOf(iss)),
    outcome: invalidToken('malformed_token'),
  },
  {
    name: 'a duplicate kid in the header, one spelled with escapes',
    token: (iss) => signed(`{"alg":"ES384","typ":"at+jwt","kid":"${es384.kid}","\\u006bid":"other"}`, claimsOf(iss)),
    outcome: invalidToken('malformed_token'),
  },
  {
    name: 'a duplicate sub in the payload',
    token: (iss) => signed(headerOf(es384), `${claimsOf(iss).slice(0, -1)},"sub":"admin"}`),
    outcome: invalidToken('malformed_token'),
  },
  {
    name: 'a duplicate aud in the payload (ours last)',
    token: (iss) => signed(headerOf(es384), `{"aud":"https://other.example.com",${claimsOf(iss).slice(1)}`),
    outcome: invalidToken('malformed_token'),
  },
  {
    name: 'a duplicate inside a nested claim',
    token: (iss) => signed(headerOf(es384), `${claimsOf(iss).slice(0, -1)},"ext":{"role":"user","role":"admin"}}`),
    outcome: invalidToken('malformed_token'),
  },
  {
    name: 'the same names in sibling nested claims (not duplicates)',
    token: (iss) => signed(headerOf(es384), `${claimsOf(iss).slice(0, -1)},"a":{"role":"x"},"b":{"role":"y"}}`),
    outcome: accepted,
  },
  {
    name: 'a non-canonical base64url signature (same bytes, other spelling)',
    token: (iss) => {
      const token = signed(headerOf(es256), claimsOf(iss), es256); // 64-byte signature: 2 spare bits in its last character
      const last = token.at(-1)!;
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      return token.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1];
    },
    outcome: invalidToken('malformed_token'),
  },
  {
    name: 'a deeply nested unsigned payload',
    token: () => `${seg(headerOf(es384))}.${seg(`${'{"a":'.repeat(1200)}1${'}'.repeat(1200)}`)}.${seg('sig')}`,
    outcome: invalidToken('wrong_issuer'),
  },
];

describe.each(ADAPTERS)('adversarial token structure over %s', (adapter) => {
  let app: ProtectedApi;

  beforeAll(async () => {
    app = await startProtectedApi(adapter, { keys: [es384, es256] });
  });
  afterAll(() => app?.close());

  it.each(CASES)('$name', async ({ token, outcome }) => {
    expectOutcome(await app.get('/documents', `Bearer ${token(app.jwks.issuer)}`), outcome);
  });

  it('fetched no keys for any of them (the key set was already known)', () => {
    expect(app.jwks.requests).toBe(0);
    expect(app.jwks.strayRequests).toEqual([]);
  });
});

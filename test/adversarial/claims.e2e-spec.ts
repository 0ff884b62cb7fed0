import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accepted, expectOutcome, invalidToken, Outcome } from '../helpers/expect-outcome';
import { ProtectedApi, startProtectedApi } from '../helpers/protected-api';
import { createTestKey } from '../helpers/keys';
import { b64url, signAccessToken, signJws, TEST_AUDIENCE } from '../helpers/sign-token';
import { ADAPTERS } from '../helpers/test-app';

const key = createTestKey('ES384');
const CLOCK_TOLERANCE = 5; // the default; "just inside/outside" keep 3 s from the edge so a second tick cannot flip them
const now = () => Math.floor(Date.now() / 1000);

interface Case {
  readonly name: string;
  readonly token: (issuer: string) => string;
  readonly outcome: Outcome;
}

/** Claims as a function are computed when the case runs, so a file that starts late cannot flip a boundary. */
const withClaims =
  (claims: Record<string, unknown> | (() => Record<string, unknown>), header: Record<string, unknown> = {}) =>
  (issuer: string) =>
    signAccessToken({ key, issuer, claims: typeof claims === 'function' ? claims() : claims, header });
/** A token whose payload is this exact JSON text (for what JSON.stringify cannot write). */
const withPayloadText = (text: (issuer: string) => string) => (issuer: string) => {
  const input = `${b64url({ alg: 'ES384', typ: 'at+jwt', kid: key.kid })}.${b64url(text(issuer))}`;
  return `${input}.${signJws(input, key)}`;
};
const basePayload = (issuer: string) =>
  `"iss":"${issuer}","sub":"user-1","aud":"${TEST_AUDIENCE}","iat":${now()},"jti":"jti-raw","client_id":"app-1","scope":"read:documents"`;

const CASES: readonly Case[] = [
  { name: 'the control token', token: withClaims({}), outcome: accepted },
  // exp (RFC 9068 §2.2: required)
  { name: 'exp missing', token: withClaims({ exp: undefined }), outcome: invalidToken('invalid_claims') },
  { name: 'exp as a numeric string', token: withClaims({ exp: String(now() + 600) }), outcome: invalidToken('invalid_claims') },
  { name: 'exp null', token: withClaims({ exp: null }), outcome: invalidToken('invalid_claims') },
  { name: 'exp as an array', token: withClaims({ exp: [now() + 600] }), outcome: invalidToken('invalid_claims') },
  { name: 'exp 1e400 (Infinity once parsed)', token: withPayloadText((iss) => `{${basePayload(iss)},"exp":1e400}`), outcome: invalidToken('invalid_claims') },
  { name: 'exp just inside the tolerance', token: withClaims(() => ({ exp: now() - (CLOCK_TOLERANCE - 3) })), outcome: accepted },
  { name: 'exp just outside the tolerance', token: withClaims(() => ({ exp: now() - (CLOCK_TOLERANCE + 3) })), outcome: invalidToken('expired') },
  { name: 'exp long past', token: withClaims({ exp: 1_000_000_000 }), outcome: invalidToken('expired') },
  // nbf and iat
  { name: 'nbf in the future', token: withClaims(() => ({ nbf: now() + 60 })), outcome: invalidToken('not_yet_valid') },
  { name: 'nbf just inside the tolerance', token: withClaims(() => ({ nbf: now() + (CLOCK_TOLERANCE - 3) })), outcome: accepted },
  { name: 'nbf as a string', token: withClaims({ nbf: 'yesterday' }), outcome: invalidToken('invalid_claims') },
  { name: 'iat in the future', token: withClaims(() => ({ iat: now() + 60 })), outcome: invalidToken('issued_in_future') },
  { name: 'iat just inside the tolerance', token: withClaims(() => ({ iat: now() + (CLOCK_TOLERANCE - 3) })), outcome: accepted },
  { name: 'iat as a string', token: withClaims({ iat: 'now' }), outcome: invalidToken('invalid_claims') },
  // iat and jti (RFC 9068 §2.2: required; Logto always issues both)
  { name: 'iat missing', token: withClaims({ iat: undefined }), outcome: invalidToken('iat_missing') },
  { name: 'iat null', token: withClaims({ iat: null }), outcome: invalidToken('invalid_claims') },
  { name: 'jti missing', token: withClaims({ jti: undefined }), outcome: invalidToken('jti_missing') },
  { name: 'jti empty', token: withClaims({ jti: '' }), outcome: invalidToken('jti_invalid') },
  { name: 'jti as a number', token: withClaims({ jti: 42 }), outcome: invalidToken('jti_invalid') },
  { name: 'jti null', token: withClaims({ jti: null }), outcome: invalidToken('jti_invalid') },
  { name: 'jti as an array', token: withClaims({ jti: ['jti-1'] }), outcome: invalidToken('jti_invalid') },
  { name: 'jti as an object', token: withClaims({ jti: { id: 'jti-1' } }), outcome: invalidToken('jti_invalid') },
  // iss (RFC 9068 §4: exact match)
  { name: 'a wrong issuer', token: withClaims({ iss: 'https://evil.example.com/oidc' }), outcome: invalidToken('wrong_issuer') },
  { name: 'issuer missing', token: withClaims({ iss: undefined }), outcome: invalidToken('wrong_issuer') },
  { name: 'issuer with a trailing slash', token: (iss) => withClaims({ iss: `${iss}/` })(iss), outcome: invalidToken('wrong_issuer') },
  { name: 'issuer in upper case', token: (iss) => withClaims({ iss: iss.toUpperCase() })(iss), outcome: invalidToken('wrong_issuer') },
  { name: 'issuer as an array holding ours', token: (iss) => withClaims({ iss: [iss] })(iss), outcome: invalidToken('wrong_issuer') },
  // aud
  { name: 'a wrong audience', token: withClaims({ aud: 'https://other.example.com' }), outcome: invalidToken('wrong_audience') },
  { name: 'audience missing', token: withClaims({ aud: undefined }), outcome: invalidToken('wrong_audience') },
  { name: 'audience with a trailing slash', token: withClaims({ aud: `${TEST_AUDIENCE}/` }), outcome: invalidToken('wrong_audience') },
  { name: 'an audience array with ours', token: withClaims({ aud: ['https://other.example.com', TEST_AUDIENCE] }), outcome: accepted },
  { name: 'an audience array without ours', token: withClaims({ aud: ['https://a.example.com', 'https://b.example.com'] }), outcome: invalidToken('wrong_audience') },
  { name: 'an empty audience array', token: withClaims({ aud: [] }), outcome: invalidToken('wrong_audience') },
  { name: 'an audience array with ours and a non-string', token: withClaims({ aud: [TEST_AUDIENCE, 7] }), outcome: invalidToken('invalid_claims') },
  // sub, client_id, scope (RFC 9068 §2.2)
  { name: 'sub missing', token: withClaims({ sub: undefined }), outcome: invalidToken('invalid_claims') },
  { name: 'sub empty', token: withClaims({ sub: '' }), outcome: invalidToken('invalid_claims') },
  { name: 'sub as a number', token: withClaims({ sub: 42 }), outcome: invalidToken('invalid_claims') },
  { name: 'client_id missing', token: withClaims({ client_id: undefined }), outcome: invalidToken('invalid_claims') },
  { name: 'scope as an array', token: withClaims({ scope: ['read:documents'] }), outcome: invalidToken('invalid_claims') },
  // typ (RFC 9068 §4)
  { name: 'typ missing', token: withClaims({}, { typ: undefined }), outcome: invalidToken('wrong_token_type') },
  { name: 'typ JWT', token: withClaims({}, { typ: 'JWT' }), outcome: invalidToken('wrong_token_type') },
  { name: 'typ at+jwt with a trailing space', token: withClaims({}, { typ: 'at+jwt ' }), outcome: invalidToken('wrong_token_type') },
  { name: 'typ application/at+jwt', token: withClaims({}, { typ: 'application/at+jwt' }), outcome: accepted },
  { name: 'typ AT+JWT (media types are case-insensitive)', token: withClaims({}, { typ: 'AT+JWT' }), outcome: accepted },
  {
    name: 'an OpenID Connect ID token from the same issuer',
    token: withClaims(
      { aud: 'app-1', client_id: undefined, scope: undefined, nonce: 'n-0S6_WzA2Mj', at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q', auth_time: now() - 10 },
      { typ: 'JWT' },
    ),
    outcome: invalidToken('wrong_token_type'),
  },
  {
    name: 'an ID token without typ',
    token: withClaims({ aud: 'app-1', client_id: undefined, nonce: 'n' }, { typ: undefined }),
    outcome: invalidToken('wrong_token_type'),
  },
];

describe.each(ADAPTERS)('adversarial claims over %s', (adapter) => {
  let app: ProtectedApi;

  beforeAll(async () => {
    app = await startProtectedApi(adapter, { keys: [key] });
  });
  afterAll(() => app?.close());

  it.each(CASES)('$name', async ({ token, outcome }) => {
    expectOutcome(await app.get('/documents', `Bearer ${token(app.jwks.issuer)}`), outcome);
  });

  it('a __proto__ claim cannot grant a scope', async () => {
    const token = withPayloadText(
      (iss) => `{${basePayload(iss)},"exp":${now() + 600},"__proto__":{"scope":"read:documents write:documents"}}`,
    )(app.jwks.issuer);
    expectOutcome(await app.get('/documents', `Bearer ${token}`), accepted);
    const write = await request(app.url).post('/documents').set('Authorization', `Bearer ${token}`);
    expect(write.status).toBe(403);
    expect(write.body.code).toBe('insufficient_scope');
    expect(write.headers['www-authenticate']).toContain('error="insufficient_scope"');
  });
});

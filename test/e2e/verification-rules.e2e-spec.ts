import { afterEach, describe, expect, it, vi } from 'vitest';
import { LogtoAuthException } from '../../lib';
import { AccessTokenVerifier } from '../../lib/token/access-token.verifier';
import { challengeHeaders } from '../../lib/errors/www-authenticate.header';
import { LogtoAuthFailure } from '../../lib/errors/logto-auth.failures';
import { DocumentsController } from '../helpers/documents.controller';
import { ProfileController } from '../helpers/profile.controller';
import { useProtectedApi } from '../helpers/protected-api';
import { expectOutcome, insufficientScope, invalidToken } from '../helpers/expect-outcome';
import { createTestKey } from '../helpers/keys';
import { b64url, hmacJws, signAccessToken, signJws, TEST_AUDIENCE } from '../helpers/sign-token';
import { ADAPTERS } from '../helpers/test-app';

const now = () => Math.floor(Date.now() / 1000);
/** A Logto-shaped payload (iat and jti included, RFC 9068 §2.2) for hand-assembled tokens. */
const logtoPayload = (issuer: string, claims: Record<string, unknown>) =>
  b64url({ iss: issuer, aud: TEST_AUDIENCE, exp: now() + 60, iat: now(), jti: 'jti-hand-made', ...claims });

/** One test per verification rule of issue 2 (RFC 9068 §4, RFC 8725), each asserting status, code and header. */
describe.each(ADAPTERS)('verification rules over %s', (adapter) => {
  /** ES384 (Logto's default) and RS256 keys, both in the JWKS. */
  const es384 = createTestKey('ES384');
  const rs256 = createTestKey('RS256');
  const api = useProtectedApi(adapter, { keys: [es384, rs256], controllers: [DocumentsController, ProfileController] });

  async function expectInvalidToken(token: string, reason: LogtoAuthFailure) {
    expectOutcome(await api.get('/me', `Bearer ${token}`), invalidToken(reason));
  }
  /** The verifier alone: no HTTP, no cache, no guard; its outcome as the user or the refusal. */
  function verifierOnly(token: string): Promise<{ user?: object; error?: unknown }> {
    return api.app.get(AccessTokenVerifier).verify(token).then(({ user }) => ({ user }), (error: unknown) => ({ error }));
  }
  function refusalOf({ error }: { error?: unknown }): LogtoAuthException {
    if (error instanceof LogtoAuthException) return error;
    throw error ?? new Error('the token was accepted');
  }
  async function expectAccepted(token: string) {
    const res = await api.get('/me', `Bearer ${token}`);
    expect(res.status).toBe(200);
    return res.body;
  }

  describe('signature and key', () => {
    it('accepts ES384 (Logto default) and RS256 (after rotation) tokens signed by JWKS keys', async () => {
      await expectAccepted(api.token());
      await expectAccepted(api.token({ key: rs256 }));
    });

    it('refuses a token whose kid is not in the JWKS', async () => {
      const stranger = createTestKey('ES384');
      await expectInvalidToken(signAccessToken({ key: stranger, issuer: api.jwks.issuer }), 'unknown_key');
    });

    it('refuses a token signed by another key under a known kid', async () => {
      const impostor = createTestKey('ES384', es384.kid);
      await expectInvalidToken(signAccessToken({ key: impostor, issuer: api.jwks.issuer }), 'bad_signature');
    });

    it('refuses a tampered payload', async () => {
      const [header, , signature] = api.token().split('.');
      const payload = logtoPayload(api.jwks.issuer, { sub: 'admin', client_id: 'x' });
      await expectInvalidToken(`${header}.${payload}.${signature}`, 'bad_signature');
    });

    it.each(['none', 'None', 'HS256', 'RS384', 'EdDSA'])('refuses alg %s (not on the allowlist)', async (alg) => {
      await expectInvalidToken(api.token({ header: { alg } }), 'algorithm_not_allowed');
    });

    it('refuses HS256 signed with the public key as the HMAC secret (RFC 8725 §2.1)', async () => {
      const header = b64url({ alg: 'HS256', typ: 'at+jwt', kid: rs256.kid });
      const payload = logtoPayload(api.jwks.issuer, { sub: 'u', client_id: 'c' });
      const secret = rs256.publicKey.export({ format: 'pem', type: 'spki' });
      await expectInvalidToken(`${header}.${payload}.${hmacJws(`${header}.${payload}`, secret)}`, 'algorithm_not_allowed');
    });

    it('refuses a key whose type or curve does not fit the alg (ES256 header, P-384 key)', async () => {
      const header = b64url({ alg: 'ES256', typ: 'at+jwt', kid: es384.kid });
      const payload = logtoPayload(api.jwks.issuer, { sub: 'u', client_id: 'c' });
      const input = `${header}.${payload}`;
      await expectInvalidToken(`${input}.${signJws(input, createTestKey('ES256'))}`, 'unknown_key');
    });

    it('refuses an RS256 header naming the EC key', async () => {
      await expectInvalidToken(api.token({ key: rs256, header: { kid: es384.kid } }), 'unknown_key');
    });
  });

  describe('header', () => {
    it.each(['at+jwt', 'application/at+jwt', 'AT+JWT', 'Application/At+Jwt'])('accepts typ %s', async (typ) => {
      await expectAccepted(api.token({ header: { typ } }));
    });

    it.each([['JWT'], ['jwt'], [undefined], [42]])('refuses typ %s: keeps ID tokens out (RFC 9068 §4)', async (typ) => {
      await expectInvalidToken(api.token({ header: { typ } }), 'wrong_token_type');
    });

    it('refuses an OpenID Connect ID token from the same issuer', async () => {
      const idToken = api.token({ header: { typ: 'JWT' }, claims: { aud: 'app-1', nonce: 'n', scope: undefined } });
      await expectInvalidToken(idToken, 'wrong_token_type');
    });

    it('refuses a crit header it does not understand (RFC 7515 §4.1.11)', async () => {
      await expectInvalidToken(api.token({ header: { crit: ['exp'], exp: 1 } }), 'unsupported_critical_header');
    });
  });

  describe('issuer and audience', () => {
    it.each([
      ['another issuer', 'https://evil.example.com/oidc'],
      ['a trailing slash', 'TRAILING'],
      ['no issuer', undefined],
    ])('refuses %s: iss must match exactly', async (_, iss) => {
      const claims = { iss: iss === 'TRAILING' ? `${api.jwks.issuer}/` : iss };
      await expectInvalidToken(api.token({ claims }), 'wrong_issuer');
    });

    it('refuses a wrong audience before any key lookup', async () => {
      await expectInvalidToken(api.token({ claims: { aud: 'https://other.example.com' } }), 'wrong_audience');
    });

    // The claim rules are checked once, by the verifier (jsonwebtoken checks the signature only): the
    // verifier alone must refuse, with a refusal that names none of the configured values.
    it.each([
      ['audience', { aud: 'https://other.example.com' }, 'wrong_audience'],
      ['issuer', { iss: 'https://evil.example.com/oidc' }, 'wrong_issuer'],
    ] as const)(
      'the verifier refuses a wrong %s on its own, without echoing the expected one',
      async (_, claims, reason) => {
        const outcome = await verifierOnly(api.token({ claims }));
        expect(outcome.user).toBeUndefined();
        const refusal = refusalOf(outcome);
        expect(refusal.reason).toBe(reason);
        // A library's message would name the expected values; the refusal must not.
        expect(JSON.stringify(refusal.getResponse()) + JSON.stringify(challengeHeaders(refusal, 'api'))).not.toContain(
          reason === 'wrong_audience' ? TEST_AUDIENCE : api.jwks.issuer,
        );
      },
    );

    it('refuses a missing audience and an array without ours', async () => {
      await expectInvalidToken(api.token({ claims: { aud: undefined } }), 'wrong_audience');
      await expectInvalidToken(api.token({ claims: { aud: ['https://a.example.com', 'https://b.example.com'] } }), 'wrong_audience');
    });

    it('accepts an audience array that contains ours', async () => {
      const body = await expectAccepted(api.token({ claims: { aud: ['https://a.example.com', TEST_AUDIENCE] } }));
      expect(body.audience).toEqual(['https://a.example.com', TEST_AUDIENCE]);
    });

    // SECURITY.md: the distinct reasons say which check failed, never what the configured values are.
    it.each([
      ['a wrong audience', { aud: 'x' }, 'wrong_audience'],
      ['no audience', { aud: undefined }, 'wrong_audience'],
      ['a wrong issuer', { iss: 'https://evil.example.com/oidc' }, 'wrong_issuer'],
      ['an issuer with a trailing slash', 'TRAILING', 'wrong_issuer'],
    ] as const)('refuses %s without echoing the expected audience or issuer', async (_, claims, reason) => {
      const token = api.token({ claims: claims === 'TRAILING' ? { iss: `${api.jwks.issuer}/` } : claims });
      await expectInvalidToken(token, reason);
      const res = await api.get('/me', `Bearer ${token}`);
      const everything = res.text + JSON.stringify(res.headers);
      for (const configured of [TEST_AUDIENCE, 'api.example.com', api.jwks.issuer, api.jwks.endpoint]) {
        expect(everything).not.toContain(configured);
      }
    });
  });

  describe('lifetime (clockTolerance 5 s)', () => {
    it('requires exp (RFC 9068 §2.2)', async () => {
      await expectInvalidToken(api.token({ claims: { exp: undefined } }), 'invalid_claims');
      await expectInvalidToken(api.token({ claims: { exp: '9999999999' } }), 'invalid_claims');
      await expectInvalidToken(api.token({ claims: { exp: 1e308 } }), 'invalid_claims'); // beyond any Date
    });

    it('refuses a token expired beyond the tolerance and accepts one just inside it', async () => {
      await expectInvalidToken(api.token({ claims: { exp: now() - 10 } }), 'expired');
      await expectAccepted(api.token({ claims: { exp: now() - 2 } }));
    });

    describe('the verifier alone, at the tolerance boundary', () => {
      const NOW = 1_900_000_000; // seconds, on a fake clock: the boundary is exact, whatever the load
      afterEach(() => vi.useRealTimers());

      // clockTolerance is in seconds: read as milliseconds, a token hours past its exp would pass.
      it('refuses exp at now - 5 s (now >= exp + tolerance) and accepts exp at now - 4 s', async () => {
        vi.useFakeTimers({ toFake: ['Date'], now: NOW * 1000 });
        expect(refusalOf(await verifierOnly(api.token({ claims: { exp: NOW - 5, iat: NOW - 60 } }))).reason).toBe('expired');
        expect(refusalOf(await verifierOnly(api.token({ claims: { exp: NOW - 3600, iat: NOW - 7200 } }))).reason).toBe('expired');
        expect((await verifierOnly(api.token({ claims: { exp: NOW - 4, iat: NOW - 60 } }))).user).toMatchObject({ sub: 'user-1' });
      });

      it('refuses nbf at now + 6 s and accepts nbf at now + 5 s', async () => {
        vi.useFakeTimers({ toFake: ['Date'], now: NOW * 1000 });
        expect(refusalOf(await verifierOnly(api.token({ claims: { nbf: NOW + 6, exp: NOW + 60 } }))).reason).toBe('not_yet_valid');
        expect(refusalOf(await verifierOnly(api.token({ claims: { nbf: NOW + 3600, exp: NOW + 7200 } }))).reason).toBe('not_yet_valid');
        expect((await verifierOnly(api.token({ claims: { nbf: NOW + 5, exp: NOW + 60 } }))).user).toMatchObject({ sub: 'user-1' });
      });
    });

    it('refuses nbf and iat in the future beyond the tolerance, accepts them inside it', async () => {
      await expectInvalidToken(api.token({ claims: { nbf: now() + 60 } }), 'not_yet_valid');
      await expectInvalidToken(api.token({ claims: { iat: now() + 60 } }), 'issued_in_future');
      await expectAccepted(api.token({ claims: { nbf: now() + 2, iat: now() + 2 } }));
    });
  });

  describe('subject, client and scope claims', () => {
    it.each(['sub', 'client_id'])('requires %s', async (claim) => {
      await expectInvalidToken(api.token({ claims: { [claim]: undefined } }), 'invalid_claims');
      await expectInvalidToken(api.token({ claims: { [claim]: 7 } }), 'invalid_claims');
    });

    it('treats a missing or empty scope as no scope, never an error', async () => {
      expect((await expectAccepted(api.token({ claims: { scope: undefined } }))).scopes).toEqual([]);
      expect((await expectAccepted(api.token({ claims: { scope: '' } }))).scopes).toEqual([]);
    });

    it('refuses a scope claim that is not a string', async () => {
      await expectInvalidToken(api.token({ claims: { scope: ['read:documents'] } }), 'invalid_claims');
    });

    it.each(['read', 'read:documents:all', 'read:document', 'READ:DOCUMENTS', 'xread:documents'])(
      'matches scopes exactly: %s does not grant read:documents',
      async (scope) => {
        const res = await api.get('/documents', `Bearer ${api.token({ claims: { scope } })}`);
        expectOutcome(res, insufficientScope('read:documents'));
      },
    );
  });

  describe('token shape', () => {
    it('explains an opaque token (no dots): request it for this resource indicator', async () => {
      await expectInvalidToken('O4nPzD0dWNwCFdn0G2hI3ptXw0ZnVvTHuaEmxGDjd4b', 'opaque_token');
    });

    it('refuses a JWE (five parts)', async () => {
      await expectInvalidToken('aaa.bbb.ccc.ddd.eee', 'encrypted_token');
    });

    it.each(['a.b', 'a.b.c.d', 'a..c', `${b64url('[1]')}.${b64url('{}')}.c`, `${b64url('{"alg":')}.${b64url('{}')}.c`])(
      'refuses a malformed JWS %s',
      async (token) => {
        await expectInvalidToken(token, 'malformed_token');
      },
    );
  });

  it('builds the LogtoUser from the verified payload', async () => {
    const exp = now() + 600;
    const body = await expectAccepted(
      api.token({ claims: { sub: 'u-42', client_id: 'm2m-1', scope: 'a b  a', organization_id: 'org-7', exp, custom: { x: 1 } } }),
    );
    expect(body).toMatchObject({
      sub: 'u-42',
      clientId: 'm2m-1',
      scopes: ['a', 'b'],
      audience: [TEST_AUDIENCE],
      issuer: api.jwks.issuer,
      organizationId: 'org-7',
      expiresAt: new Date(exp * 1000).toISOString(),
    });
    expect(body.claims.custom).toEqual({ x: 1 });
  });
});

import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogtoTestIssuer, startLogtoTestIssuer } from '../../../lib/testing';

const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

function httpGet(url: string): Promise<{ status: number; contentType?: string; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'], body }));
    })
      .on('error', reject)
      .end();
  });
}

function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

// jose is an independent verifier: what it accepts is a real, well-formed JWS from the published keys.
describe.each(['ES384', 'RS256'] as const)('a test issuer signing %s', (alg) => {
  let issuer: LogtoTestIssuer;
  beforeAll(async () => (issuer = await startLogtoTestIssuer({ alg })));
  afterAll(() => issuer.close());

  it('signs Logto-shaped access tokens that an independent verifier accepts with the served JWKS', async () => {
    const served = await httpGet(issuer.jwksUri);
    expect(served).toMatchObject({ status: 200, contentType: 'application/json' });
    const token = issuer.token({ sub: 'user-42', scopes: ['read:documents', 'write:documents'], organizationId: 'org-1' });
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(JSON.parse(served.body)), {
      issuer: issuer.issuer,
      audience: 'https://api.example.com',
      typ: 'at+jwt',
      algorithms: [alg],
    });
    expect(protectedHeader).toEqual({ alg, typ: 'at+jwt', kid: issuer.jwks.keys[0].kid });
    expect(Object.keys(payload).sort()).toEqual(['aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'organization_id', 'scope', 'sub']);
    const now = Math.floor(Date.now() / 1000);
    expect(payload).toMatchObject({ sub: 'user-42', scope: 'read:documents write:documents', client_id: 'test-app', organization_id: 'org-1', aud: 'https://api.example.com' });
    expect(payload.iat).toBeLessThanOrEqual(now);
    expect(payload.exp).toBe((payload.iat as number) + 3600);
  });

  it('publishes public keys only, the RSA one without alg as Logto does', () => {
    const [jwk] = issuer.jwks.keys;
    expect(jwk).toMatchObject({ kty: alg === 'ES384' ? 'EC' : 'RSA', use: 'sig' });
    expect(jwk.alg).toBe(alg === 'ES384' ? 'ES384' : undefined);
    for (const member of PRIVATE_JWK_MEMBERS) expect(jwk).not.toHaveProperty(member);
  });

  it('leaves scope out when nothing is granted, and gives every token its own jti', () => {
    const first = decodePayload(issuer.token());
    const second = decodePayload(issuer.tokens.withoutScopes({ sub: 'm2m-app', clientId: 'm2m-app' }));
    expect(first).not.toHaveProperty('scope');
    expect(second).not.toHaveProperty('scope');
    expect(second).toMatchObject({ sub: 'm2m-app', client_id: 'm2m-app' });
    expect(first.jti).toEqual(expect.any(String));
    expect(first.jti).not.toBe(second.jti);
  });

  it('merges claims and header over the defaults, undefined removing one', () => {
    const token = issuer.token({ claims: { jti: undefined, tenant: 't-1' }, header: { typ: 'JWT' } });
    expect(decodeProtectedHeader(token).typ).toBe('JWT');
    expect(decodePayload(token)).not.toHaveProperty('jti');
    expect(decodePayload(token).tenant).toBe('t-1');
  });

  it('makes each refused token break exactly one rule', async () => {
    const keys = createLocalJWKSet({ keys: [...issuer.jwks.keys] });
    const verify = (token: string, expectations = {}) =>
      jwtVerify(token, keys, { issuer: issuer.issuer, audience: 'https://api.example.com', typ: 'at+jwt', ...expectations });
    await expect(verify(issuer.tokens.expired())).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
    await expect(verify(issuer.tokens.expired(), { currentDate: new Date(Date.now() - 3_601_000) })).resolves.toBeDefined();
    await expect(verify(issuer.tokens.wrongAudience())).rejects.toMatchObject({ claim: 'aud' });
    await expect(verify(issuer.tokens.wrongIssuer())).rejects.toMatchObject({ claim: 'iss' });
    await expect(verify(issuer.tokens.wrongIssuer(), { issuer: 'https://wrong-issuer.invalid/oidc' })).resolves.toBeDefined();
    await expect(verify(issuer.tokens.unknownKey())).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    await expect(verify(issuer.tokens.badSignature())).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    expect(decodePayload(issuer.tokens.withoutScopes({ claims: { sub: 'u' } }))).not.toHaveProperty('scope');
    expect(decodeProtectedHeader(issuer.tokens.unknownKey()).kid).not.toBe(issuer.jwks.keys[0].kid);
  });
});

describe('the test issuer lifecycle', () => {
  it('answers only GET /oidc/jwks', async () => {
    const issuer = await startLogtoTestIssuer();
    try {
      expect((await httpGet(`${issuer.issuer}/.well-known/openid-configuration`)).status).toBe(404);
      expect(issuer.jwksUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oidc\/jwks$/);
      expect(issuer.jwksUri).toBe(`${issuer.endpoint}/oidc/jwks`);
      expect(issuer.issuer).toBe(`${issuer.endpoint}/oidc`);
      expect(issuer.moduleOptions()).toEqual({ issuer: issuer.issuer, jwksUri: issuer.jwksUri, audience: 'https://api.example.com' });
    } finally {
      await issuer.close();
    }
  });

  it('closes once, however often close() or Symbol.asyncDispose is called', async () => {
    const issuer = await startLogtoTestIssuer();
    await Promise.all([issuer.close(), issuer[Symbol.asyncDispose](), issuer.close()]);
    await expect(httpGet(issuer.jwksUri)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('refuses options it cannot honour', async () => {
    await expect(startLogtoTestIssuer({ alg: 'HS256' as never })).rejects.toThrow(/ES384 or RS256/);
    await expect(startLogtoTestIssuer({ audience: '' })).rejects.toThrow(/audience/);
  });
});

import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevIssuer, startDevIssuer } from '../../sample/dev-issuer/dev-issuer';
import { DEV_API_RESOURCE } from '../../sample/dev-issuer/dev-tenant';
import { createEcSigningKey, createRsaSigningKey } from '../../sample/dev-issuer/signing-keys';
import { SampleApi, startSampleApi } from '../../sample/sample-api';
import { accessToken, jwsHeader } from '../helpers/dev-issuer-client';
import { ADAPTERS } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

const JWKS_CACHE_MAX_AGE_MS = 1_000; // the smallest the module accepts

/**
 * A signing key rotation from EC to RSA, as Logto does it: the issuer restarts with the new key first
 * and the old one still published, later with the old one removed.
 */
describe.each(ADAPTERS)('signing key rotation EC -> RSA over %s', (adapter) => {
  const ecKey = createEcSigningKey();
  const rsaKey = createRsaSigningKey();
  let issuer: DevIssuer;
  let api: SampleApi;
  const readerToken = () => accessToken(issuer, { clientId: 'reader-app', resource: DEV_API_RESOURCE, scope: 'read:documents' });
  const callWith = (token: string) => request(api.url).get('/documents').set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    issuer = await startDevIssuer({ keys: [ecKey] });
    api = await startSampleApi({
      adapter,
      logger: false,
      settings: {
        LOGTO_ENDPOINT: issuer.endpoint,
        LOGTO_AUDIENCE: DEV_API_RESOURCE,
        LOGTO_JWKS_CACHE_MAX_AGE_MS: JWKS_CACHE_MAX_AGE_MS,
        // The default 30 s cooldown, as in production: it holds back neither the new key's first token
        // (only unknown-kid fetches count) nor the due refresh that notices the old key gone.
      },
    });
  });
  afterAll(async () => {
    await api?.close();
    await issuer?.close();
  });

  it('keeps accepting EC tokens while the old key is published, accepts RSA tokens, and refuses EC tokens once it is gone', async () => {
    const ecToken = await readerToken();
    expect(jwsHeader(ecToken)).toMatchObject({ alg: 'ES384', kid: ecKey.kid });
    expect((await callWith(ecToken)).status).toBe(200);

    // Rotation: the RSA key signs from now on; the EC key stays in the JWKS for tokens already issued.
    await issuer.restart([rsaKey, ecKey]);
    const rsaToken = await readerToken();
    expect(jwsHeader(rsaToken)).toMatchObject({ alg: 'RS256', typ: 'at+jwt', kid: rsaKey.kid });
    expect((await callWith(rsaToken)).status).toBe(200); // at once, though the API fetched its keys moments ago
    // The old token also passes after the API's key cache has expired and been fetched again.
    const fetchesAfterRotation = issuer.jwksRequests;
    const afterRefresh = await waitFor(
      async () => ({ status: (await callWith(ecToken)).status, fetches: issuer.jwksRequests }),
      ({ status, fetches }) => status !== 200 || fetches > fetchesAfterRotation,
    );
    expect(afterRefresh.status).toBe(200);
    expect((await callWith(ecToken)).status).toBe(200);

    // The old key is removed: old tokens are refused as soon as the API's key cache has refreshed.
    await issuer.restart([rsaKey]);
    const refused = await waitFor(
      () => callWith(ecToken),
      (response) => response.status !== 200,
      { timeoutMs: JWKS_CACHE_MAX_AGE_MS * 5 },
    );
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      code: 'invalid_token',
      message: 'The access token is signed with a key this API does not know.',
    });
    expect(refused.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token is signed with a key this API does not know."',
    );
    expect((await callWith(rsaToken)).status).toBe(200);
  });
});

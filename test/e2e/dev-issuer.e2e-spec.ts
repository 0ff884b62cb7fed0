import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevIssuer, startDevIssuer } from '../../sample/dev-issuer/dev-issuer';
import { DEV_API_RESOURCE, DEV_TENANT } from '../../sample/dev-issuer/dev-tenant';
import { SampleApi, startSampleApi } from '../../sample/sample-api';
import { accessToken, jwsHeader, jwsPayload, requestToken } from '../helpers/dev-issuer-client';
import { ADAPTERS } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

const SHORT_TTL_SECONDS = 4; // whole seconds: at least 3 s of validity for the first, accepted, call
const TENANT = {
  ...DEV_TENANT,
  clients: [
    ...DEV_TENANT.clients,
    { clientId: 'short-lived-app', clientSecret: 'short-lived-secret', scopes: ['read:documents'], accessTokenTtl: SHORT_TTL_SECONDS },
  ],
};

/** The sample API against tokens a real authorization server, configured like Logto, issued over HTTP. */
describe.each(ADAPTERS)('sample API with the dev issuer over %s', (adapter) => {
  let issuer: DevIssuer;
  let api: SampleApi;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    issuer = await startDevIssuer({ tenant: TENANT });
    api = await startSampleApi({
      adapter,
      logger: false,
      // No clock tolerance, so the short-lived token expires when its exp says.
      settings: { LOGTO_ENDPOINT: issuer.endpoint, LOGTO_AUDIENCE: DEV_API_RESOURCE, LOGTO_CLOCK_TOLERANCE: 0 },
    });
  });
  afterAll(async () => {
    await api?.close();
    await issuer?.close();
  });

  it('issues Logto-shaped access tokens: ES384, typ at+jwt, aud = resource, granted scopes only', async () => {
    const token = await accessToken(issuer, { clientId: 'reader-app', resource: DEV_API_RESOURCE, scope: 'read:documents write:documents' });
    expect(jwsHeader(token)).toEqual({ alg: 'ES384', typ: 'at+jwt', kid: issuer.keys[0]?.kid });
    expect(jwsPayload(token)).toMatchObject({ iss: issuer.issuer, aud: DEV_API_RESOURCE, sub: 'reader-app', client_id: 'reader-app', scope: 'read:documents' });
  });

  it('accepts a token with the required scope and exposes the verified caller', async () => {
    const token = await accessToken(issuer, { clientId: 'reader-app', resource: DEV_API_RESOURCE, scope: 'read:documents' });
    const list = await request(api.url).get('/documents').set(bearer(token));
    expect(list.status).toBe(200);
    expect(Array.isArray(list.body)).toBe(true);
    const me = await request(api.url).get('/me').set(bearer(token));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ sub: 'reader-app', clientId: 'reader-app', scopes: ['read:documents'], issuer: issuer.issuer, audience: [DEV_API_RESOURCE] });
  });

  it('refuses with 403 when the handler adds a scope the app was not granted, even if it asked for it', async () => {
    const token = await accessToken(issuer, { clientId: 'reader-app', resource: DEV_API_RESOURCE, scope: 'read:documents write:documents' });
    const res = await request(api.url).post('/documents').set(bearer(token)).send({ title: 'Plan' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ statusCode: 403, error: 'Forbidden', code: 'insufficient_scope', message: 'The access token lacks a scope this resource requires.' });
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a scope this resource requires.", scope="read:documents write:documents"',
    );
  });

  it('lets an app with write:documents create, and its search:own satisfies @AnyScope', async () => {
    const token = await accessToken(issuer, { clientId: 'editor-app', resource: DEV_API_RESOURCE, scope: 'read:documents write:documents search:own' });
    const created = await request(api.url).post('/documents').set(bearer(token)).send({ title: `Editor ${adapter}` });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: `Editor ${adapter}`, owner: 'editor-app' });
    const found = await request(api.url).get('/documents/search').query({ q: `editor ${adapter}` }).set(bearer(token));
    expect(found.status).toBe(200);
    expect(found.body).toEqual([created.body]);
  });

  it('refuses @AnyScope to a token with none of the alternatives, naming everything required', async () => {
    const token = await accessToken(issuer, { clientId: 'reader-app', resource: DEV_API_RESOURCE, scope: 'read:documents' });
    const res = await request(api.url).get('/documents/search').set(bearer(token));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient_scope');
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a scope this resource requires. Besides the scopes in scope, it needs one of: search:all, search:own.", scope="read:documents"',
    );
  });

  it('accepts a token without scopes where no scope is required, and refuses it where one is', async () => {
    const token = await accessToken(issuer, { clientId: 'outsider-app', resource: DEV_API_RESOURCE, scope: 'read:documents' });
    expect(jwsPayload(token).scope).toBeUndefined();
    expect((await request(api.url).get('/me').set(bearer(token))).status).toBe(200);
    const res = await request(api.url).get('/documents').set(bearer(token));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('insufficient_scope');
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
  });

  it('serves the public health route without a token and refuses protected routes without one', async () => {
    expect((await request(api.url).get('/health')).body).toEqual({ status: 'ok' });
    const res = await request(api.url).get('/documents');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('auth.authorization_header_missing');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it('gets invalid_target from the issuer for an unknown resource, as from Logto', async () => {
    const { status, body } = await requestToken(issuer, { clientId: 'reader-app', resource: 'https://other.example.com', scope: 'read:documents' });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_target');
  });

  it('refuses a token issued for another resource (an organization token) as not for this API', async () => {
    const token = await accessToken(issuer, { clientId: 'reader-app', resource: 'urn:logto:organization:acme' });
    expect(jwsPayload(token).aud).toBe('urn:logto:organization:acme');
    const res = await request(api.url).get('/me').set(bearer(token));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', code: 'invalid_token', message: 'The access token was not issued for this API.' });
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token was not issued for this API."',
    );
  });

  it('refuses the opaque token issued without a resource, saying how to get a JWT', async () => {
    const token = await accessToken(issuer, { clientId: 'reader-app', scope: 'read:documents' });
    expect(token.split('.')).toHaveLength(1);
    const res = await request(api.url).get('/me').set(bearer(token));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_token');
    expect(res.body.message).toBe(
      'The access token is opaque, not a JWT: request it with the resource parameter set to this API resource indicator.',
    );
    expect(res.headers['www-authenticate']).toContain(`error_description="${res.body.message}"`);
  });

  it('reads organization_id from an organization token, and no organization from a plain one', async () => {
    const organizationToken = await accessToken(issuer, { clientId: 'reader-app', resource: DEV_API_RESOURCE, scope: 'read:documents', organizationId: 'acme' });
    const inOrganization = await request(api.url).get('/organization').set(bearer(organizationToken));
    expect(inOrganization.status).toBe(200);
    expect(inOrganization.body).toEqual({ organizationId: 'acme' });
    const plainToken = await accessToken(issuer, { clientId: 'reader-app', resource: DEV_API_RESOURCE, scope: 'read:documents' });
    expect((await request(api.url).get('/organization').set(bearer(plainToken))).body).toEqual({ organizationId: null });
  });

  it('gets no organization token for an app that is not a member', async () => {
    const { status, body } = await requestToken(issuer, { clientId: 'editor-app', resource: DEV_API_RESOURCE, organizationId: 'acme' });
    expect(status).toBe(400);
    expect(body.error).toBe('access_denied');
  });

  it('accepts a short-lived token, then refuses it once it has expired', async () => {
    const token = await accessToken(issuer, { clientId: 'short-lived-app', resource: DEV_API_RESOURCE, scope: 'read:documents' });
    const payload = jwsPayload(token) as { iat: number; exp: number };
    expect(payload.exp - payload.iat).toBe(SHORT_TTL_SECONDS);
    expect((await request(api.url).get('/documents').set(bearer(token))).status).toBe(200);
    const res = await waitFor(
      () => request(api.url).get('/documents').set(bearer(token)),
      (response) => response.status !== 200,
      { timeoutMs: (SHORT_TTL_SECONDS + 5) * 1000, intervalMs: 250 },
    );
    expect(Date.now() / 1000).toBeGreaterThanOrEqual(payload.exp);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', code: 'invalid_token', message: 'The access token has expired.' });
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token has expired."',
    );
  });
});

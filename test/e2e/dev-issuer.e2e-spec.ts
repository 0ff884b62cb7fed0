import { randomBytes } from 'node:crypto';
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

  it('gets invalid_target for an organization audience given as resource: organization tokens are asked for with organization_id', async () => {
    const { status, body } = await requestToken(issuer, { clientId: 'reader-app', resource: 'urn:logto:organization:acme' });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_target');
  });

  it('gets 400 invalid_target for an M2M token request without resource, as from Logto (no opaque token)', async () => {
    const { status, body } = await requestToken(issuer, { clientId: 'reader-app', scope: 'read:documents' });
    expect({ status, error: body.error, token: body.access_token }).toEqual({ status: 400, error: 'invalid_target', token: undefined });
  });

  it('issues an organization token the Logto way: organization_id without resource, aud urn:logto:organization:<id>, the granted organization permissions', async () => {
    const { status, body } = await requestToken(issuer, { clientId: 'reader-app', organizationId: 'acme', scope: 'read:members invite:members delete:members' });
    expect(status).toBe(200);
    const token = body.access_token as string;
    expect(jwsHeader(token)).toMatchObject({ alg: 'ES384', typ: 'at+jwt' });
    expect(jwsPayload(token)).toMatchObject({ iss: issuer.issuer, aud: 'urn:logto:organization:acme', sub: 'reader-app', client_id: 'reader-app', scope: 'read:members invite:members' });
    expect(jwsPayload(token).organization_id).toBeUndefined();
    expect(body.scope).toBe('read:members invite:members');
  });

  it('puts "scope": "" in an organization token that grants no permission, as Logto does', async () => {
    const inOrganizationWithoutRoles = await accessToken(issuer, { clientId: 'reader-app', organizationId: 'globex', scope: 'read:members' });
    expect(jwsPayload(inOrganizationWithoutRoles)).toMatchObject({ aud: 'urn:logto:organization:globex', scope: '' });
    const nothingRequested = await accessToken(issuer, { clientId: 'reader-app', organizationId: 'acme' });
    expect(jwsPayload(nothingRequested)).toMatchObject({ aud: 'urn:logto:organization:acme', scope: '' });
  });

  it('refuses an organization token at this API as not issued for it (the API is not organizations-enabled)', async () => {
    const token = await accessToken(issuer, { clientId: 'reader-app', organizationId: 'acme', scope: 'read:members' });
    const res = await request(api.url).get('/me').set(bearer(token));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', code: 'invalid_token', message: 'The access token was not issued for this API.' });
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token was not issued for this API."',
    );
  });

  it('refuses an opaque token (what Logto issues to a user sign-in without resource), saying how to get a JWT', async () => {
    const opaque = randomBytes(32).toString('base64url'); // the shape of Logto's opaque tokens: 43 base64url characters
    const res = await request(api.url).get('/me').set(bearer(opaque));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_token');
    expect(res.body.message).toBe(
      'The access token is opaque, not a JWT: request it with the resource parameter set to this API resource indicator.',
    );
    expect(res.headers['www-authenticate']).toContain(`error_description="${res.body.message}"`);
  });

  it('reads organization_id from an organization-level API resource token, and no organization from a plain one', async () => {
    const organizationLevelToken = await accessToken(issuer, { clientId: 'reader-app', resource: DEV_API_RESOURCE, scope: 'read:documents', organizationId: 'acme' });
    expect(jwsPayload(organizationLevelToken)).toMatchObject({ aud: DEV_API_RESOURCE, organization_id: 'acme', scope: 'read:documents' });
    const inOrganization = await request(api.url).get('/organization').set(bearer(organizationLevelToken));
    expect(inOrganization.status).toBe(200);
    expect(inOrganization.body).toEqual({ organizationId: 'acme' });
    const plainToken = await accessToken(issuer, { clientId: 'reader-app', resource: DEV_API_RESOURCE, scope: 'read:documents' });
    expect((await request(api.url).get('/organization').set(bearer(plainToken))).body).toEqual({ organizationId: null });
  });

  it.each([
    ['an organization token', undefined],
    ['an organization-level API resource token', DEV_API_RESOURCE],
  ])('answers 403 access_denied to an app that is not a member, for %s', async (_kind, resource) => {
    const { status, body } = await requestToken(issuer, { clientId: 'editor-app', resource, organizationId: 'acme' });
    expect({ status, error: body.error, token: body.access_token }).toEqual({ status: 403, error: 'access_denied', token: undefined });
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

describe('the dev issuer with a default API resource (a Logto tenant setting)', () => {
  let issuer: DevIssuer;
  beforeAll(async () => {
    issuer = await startDevIssuer({ tenant: { ...DEV_TENANT, defaultApiResource: DEV_API_RESOURCE } });
  });
  afterAll(() => issuer?.close());

  it('issues a JWT for the default API resource to an M2M token request without resource', async () => {
    const token = await accessToken(issuer, { clientId: 'reader-app', scope: 'read:documents' });
    expect(jwsHeader(token)).toMatchObject({ alg: 'ES384', typ: 'at+jwt' });
    expect(jwsPayload(token)).toMatchObject({ aud: DEV_API_RESOURCE, scope: 'read:documents', client_id: 'reader-app' });
  });

  it('still issues an organization token for organization_id without resource', async () => {
    const token = await accessToken(issuer, { clientId: 'reader-app', organizationId: 'acme', scope: 'read:members' });
    expect(jwsPayload(token)).toMatchObject({ aud: 'urn:logto:organization:acme', scope: 'read:members' });
  });
});

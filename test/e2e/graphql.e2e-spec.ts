import { INestApplication } from '@nestjs/common';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogtoAuthModule } from '../../lib';
import { DOCUMENTS_TYPE_DEFS, DocumentsResolver, GqlAdminGuard } from '../helpers/documents.resolver';
import { createTestKey } from '../helpers/keys';
import { startJwksServer, JwksServer } from '../helpers/jwks-server';
import { signAccessToken, TEST_AUDIENCE } from '../helpers/sign-token';
import { ADAPTERS, AdapterName, createTestApp } from '../helpers/test-app';

const graphqlModule = (driverOptions: Partial<ApolloDriverConfig>) =>
  GraphQLModule.forRoot<ApolloDriverConfig>({
    driver: ApolloDriver,
    typeDefs: DOCUMENTS_TYPE_DEFS,
    graphiql: false,
    // As outside production: a refusal must still show no stack frames.
    includeStacktraceInErrorResponses: true,
    ...driverOptions,
  });

/** Apollo adds the error's stack as `stacktrace`: a refusal's is its one line, with no frame or file path. */
const stackOf = (message: string) => ({ stacktrace: [`LogtoGraphQLError: ${message}`] });

async function createGraphqlApp(
  adapter: AdapterName,
  endpoint: string,
  driverOptions: Partial<ApolloDriverConfig> = {},
): Promise<INestApplication> {
  return createTestApp(adapter, {
    imports: [LogtoAuthModule.forRoot({ endpoint, audience: TEST_AUDIENCE }), graphqlModule(driverOptions)],
    providers: [DocumentsResolver, GqlAdminGuard],
  });
}

describe.each(ADAPTERS)('GraphQL resolvers over %s', (adapter) => {
  const key = createTestKey('ES384');
  let jwks: JwksServer;
  let app: INestApplication;

  const gql = (query: string, token?: string) => {
    const req = request(app.getHttpServer()).post('/graphql').set('Content-Type', 'application/json');
    if (token !== undefined) req.set('Authorization', `Bearer ${token}`);
    return req.send({ query });
  };

  beforeAll(async () => {
    jwks = await startJwksServer([key.jwk]);
    app = await createGraphqlApp(adapter, jwks.endpoint);
  });
  afterAll(async () => {
    await app?.close();
    await jwks?.close();
  });

  it('answers a query with a valid token, with @CurrentUser() and @CurrentUser(field)', async () => {
    const token = signAccessToken({ key, issuer: jwks.issuer, claims: { scope: 'read:documents' } });
    const res = await gql('{ me { sub scopes } mySub }', token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { me: { sub: 'user-1', scopes: ['read:documents'] }, mySub: 'user-1' } });
  });

  it('refuses a query without a token: UNAUTHENTICATED with the module code and the challenge header', async () => {
    const res = await gql('{ me { sub } }');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ me: null });
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0]).toMatchObject({ message: 'The Authorization header is missing.', path: ['me'] });
    // Exactly these extensions: no stack frames, no originalError, no http.
    expect(res.body.errors[0].extensions).toEqual({
      code: 'UNAUTHENTICATED',
      logtoCode: 'auth.authorization_header_missing',
      ...stackOf('The Authorization header is missing.'),
    });
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it('refuses an invalid token with invalid_token and the RFC 6750 challenge', async () => {
    const token = signAccessToken({ key, issuer: jwks.issuer, claims: { exp: Math.floor(Date.now() / 1000) - 60 } });
    const res = await gql('{ mySub }', token);
    expect(res.status).toBe(200);
    expect(res.body.errors[0].message).toBe('The access token has expired.');
    expect(res.body.errors[0].extensions).toEqual({
      code: 'UNAUTHENTICATED',
      logtoCode: 'invalid_token',
      ...stackOf('The access token has expired.'),
    });
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token has expired."',
    );
  });

  it('refuses a mutation that lacks a @Scopes() scope: FORBIDDEN with the required scopes', async () => {
    const token = signAccessToken({ key, issuer: jwks.issuer, claims: { scope: 'read:documents' } });
    const res = await gql('mutation { createDocument }', token);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ createDocument: null });
    expect(res.body.errors[0].extensions).toEqual({
      code: 'FORBIDDEN',
      logtoCode: 'insufficient_scope',
      requiredScopes: ['read:documents', 'write:documents'],
      ...stackOf('The access token lacks a scope this resource requires.'),
    });
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a scope this resource requires.", scope="read:documents write:documents"',
    );
  });

  it('runs a mutation whose scopes are all granted', async () => {
    const token = signAccessToken({ key, issuer: jwks.issuer, claims: { scope: 'read:documents write:documents' } });
    const res = await gql('mutation { createDocument }', token);
    expect(res.body).toEqual({ data: { createDocument: 'created by user-1' } });
  });

  it('applies @AnyScope() to a resolver', async () => {
    const without = signAccessToken({ key, issuer: jwks.issuer, claims: { scope: 'read:documents' } });
    const refused = await gql('{ search }', without);
    expect(refused.status).toBe(200);
    expect(refused.body.errors[0].extensions).toEqual({
      code: 'FORBIDDEN',
      logtoCode: 'insufficient_scope',
      requiredScopes: ['read:documents'],
      scopeAlternatives: [['search:all', 'search:own']],
      ...stackOf('The access token lacks a scope this resource requires. Besides the scopes in scope, it needs one of: search:all, search:own.'),
    });
    expect(refused.headers['www-authenticate']).toContain('scope="read:documents"');
    const granted = signAccessToken({ key, issuer: jwks.issuer, claims: { scope: 'read:documents search:own' } });
    expect((await gql('{ search }', granted)).body).toEqual({ data: { search: [] } });
  });

  it("runs a resolver's own @UseGuards() guard after LogtoAuthGuard, with req.user set", async () => {
    const admin = signAccessToken({ key, issuer: jwks.issuer, claims: { roles: ['admin'] } });
    expect((await gql('{ adminOnly }', admin)).body).toEqual({ data: { adminOnly: 'admin user-1' } });
    const viewer = signAccessToken({ key, issuer: jwks.issuer, claims: { roles: ['viewer'] } });
    const refused = await gql('{ adminOnly }', viewer);
    expect(refused.body.data).toEqual({ adminOnly: null });
    expect(refused.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(refused.body.errors[0].extensions.logtoCode).toBeUndefined(); // the user's guard refused, not ours
  });

  it('serves a @Public() field without a token, and refuses the protected field of the same query', async () => {
    expect((await gql('{ health }')).body).toEqual({ data: { health: 'ok' } });
    const mixed = await gql('{ health mySub }');
    expect(mixed.status).toBe(200);
    expect(mixed.body.data).toEqual({ health: 'ok', mySub: null });
    expect(mixed.body.errors.map((e: { path: string[] }) => e.path)).toEqual([['mySub']]);
    expect(mixed.body.errors[0].extensions.logtoCode).toBe('auth.authorization_header_missing');
    expect(mixed.headers['www-authenticate']).toBe('Bearer realm="api"');
  });
});

// Refusals are not HttpExceptions, so they do not depend on the driver mapping them.
describe.each(ADAPTERS)('GraphQL with autoTransformHttpErrors: false, while the JWKS is down, over %s', (adapter) => {
  const key = createTestKey('ES384');
  let jwks: JwksServer;
  let app: INestApplication;

  beforeAll(async () => {
    jwks = await startJwksServer([key.jwk]);
    jwks.set({ kind: 'status', status: 500 });
    app = await createGraphqlApp(adapter, jwks.endpoint, { autoTransformHttpErrors: false });
  });
  afterAll(async () => {
    await app?.close();
    await jwks?.close();
  });

  it('still reports UNAUTHENTICATED, not INTERNAL_SERVER_ERROR', async () => {
    const res = await request(app.getHttpServer()).post('/graphql').send({ query: '{ mySub }' });
    expect(res.status).toBe(200);
    expect(res.body.errors[0].extensions).toEqual({
      code: 'UNAUTHENTICATED',
      logtoCode: 'auth.authorization_header_missing',
      ...stackOf('The Authorization header is missing.'),
    });
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it('reports SERVICE_UNAVAILABLE with Retry-After, not INTERNAL_SERVER_ERROR', async () => {
    const token = signAccessToken({ key, issuer: jwks.issuer });
    const res = await request(app.getHttpServer())
      .post('/graphql')
      .set('Authorization', `Bearer ${token}`)
      .send({ query: '{ mySub }' });
    expect(res.status).toBe(200);
    expect(res.body.errors[0].message).toBe('The signing keys could not be retrieved; try again later.');
    expect(res.body.errors[0].extensions).toEqual({
      code: 'SERVICE_UNAVAILABLE',
      logtoCode: 'auth.jwks_unavailable',
      retryAfterSeconds: expect.any(Number),
      ...stackOf('The signing keys could not be retrieved; try again later.'),
    });
    expect(res.headers['retry-after']).toBe(String(res.body.errors[0].extensions.retryAfterSeconds));
    expect(res.headers['www-authenticate']).toBeUndefined();
  });
});

import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogtoAuthModule } from '../../lib';
import { DocumentsController } from '../helpers/documents.controller';
import { createTestKey } from '../helpers/keys';
import { startJwksServer, JwksServer } from '../helpers/jwks-server';
import { signAccessToken, TEST_AUDIENCE } from '../helpers/sign-token';
import { ADAPTERS, createTestApp } from '../helpers/test-app';

describe.each(ADAPTERS)('smoke over %s', (adapter) => {
  const key = createTestKey('ES384');
  let jwks: JwksServer;
  let app: INestApplication;

  beforeAll(async () => {
    jwks = await startJwksServer([key.jwk]);
    app = await createTestApp(adapter, {
      imports: [LogtoAuthModule.forRoot({ endpoint: jwks.endpoint, audience: TEST_AUDIENCE })],
      controllers: [DocumentsController],
    });
  });
  afterAll(async () => {
    await app?.close();
    await jwks?.close();
  });

  it('accepts a valid token', async () => {
    const token = signAccessToken({ key, issuer: jwks.issuer });
    const res = await request(app.getHttpServer()).get('/documents').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body.user.sub).toBe('user-1');
  });

  it('refuses a missing header', async () => {
    const res = await request(app.getHttpServer()).get('/documents');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('auth.authorization_header_missing');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it('refuses a wrong audience', async () => {
    const token = signAccessToken({ key, issuer: jwks.issuer, claims: { aud: 'https://other.example.com' } });
    const res = await request(app.getHttpServer()).get('/documents').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', code: 'invalid_token', message: 'The access token was not issued for this API.' });
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('403 on missing scope', async () => {
    const token = signAccessToken({ key, issuer: jwks.issuer });
    const res = await request(app.getHttpServer()).post('/documents').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a scope this resource requires.", scope="read:documents write:documents"');
  });

  it('public', async () => {
    const res = await request(app.getHttpServer()).get('/documents/health');
    expect(res.status).toBe(200);
  });
});

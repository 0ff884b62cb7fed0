import { Controller, Get, INestApplication } from '@nestjs/common';
import { ApiOperation, DocumentBuilder, OpenAPIObject } from '@nestjs/swagger';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogtoAuthModule, OptionalAuth, Public, Scopes } from '../../lib';
import { addLogtoBearerAuth, createLogtoSwaggerDocument } from '../../lib/swagger';
import { DocumentsController } from '../helpers/documents.controller';
import { CurrentOrganizationController, OrganizationMembersController } from '../helpers/organizations.controller';
import { createTestKey } from '../helpers/keys';
import { startJwksServer, JwksServer } from '../helpers/jwks-server';
import { signAccessToken, TEST_AUDIENCE } from '../helpers/sign-token';
import { ADAPTERS, createTestApp } from '../helpers/test-app';

class ReportsBase {
  @Get()
  @ApiOperation({ summary: 'List reports', description: 'Lists the reports of the caller.' })
  list() {
    return [];
  }
}

@Controller('reports')
@Scopes('read:reports')
class ReportsController extends ReportsBase {
  @Get('status')
  @Public()
  status() {
    return { ok: true };
  }
}

@Controller('news')
class NewsController {
  @Get()
  @OptionalAuth()
  list() {
    return [];
  }

  @Get('drafts')
  @OptionalAuth()
  @Scopes('read:drafts') // a requirement wins: the token is required
  drafts() {
    return [];
  }
}

describe.each(ADAPTERS)('OpenAPI document over %s', (adapter) => {
  const key = createTestKey('ES384');
  let jwks: JwksServer;
  let app: INestApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    jwks = await startJwksServer([key.jwk]);
    app = await createTestApp(adapter, {
      imports: [LogtoAuthModule.forRoot({ endpoint: jwks.endpoint, audience: TEST_AUDIENCE })],
      controllers: [DocumentsController, OrganizationMembersController, CurrentOrganizationController, ReportsController, NewsController],
    });
    const config = addLogtoBearerAuth(new DocumentBuilder().setTitle('Documents API')).build();
    document = createLogtoSwaggerDocument(app, config);
  });
  afterAll(async () => {
    await app?.close();
    await jwks?.close();
  });

  it('declares the Logto bearer scheme and requires it by default', () => {
    expect(document.components?.securitySchemes?.logto).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(document.security).toEqual([{ logto: [] }]);
  });

  it("shows each operation's scopes in its description", () => {
    expect(document.paths['/documents'].get?.description).toBe('**Requires scopes:** `read:documents`');
    expect(document.paths['/documents'].post?.description).toBe('**Requires scopes:** `read:documents`, `write:documents`');
    expect(document.paths['/documents/search'].get?.description).toBe(
      '**Requires scopes:** `read:documents`\n\n**Requires one of the scopes:** `search:all`, `search:own`',
    );
  });

  it("appends to an @ApiOperation() description, also on inherited handlers", () => {
    expect(document.paths['/reports'].get).toMatchObject({
      summary: 'List reports',
      description: 'Lists the reports of the caller.\n\n**Requires scopes:** `read:reports`',
    });
    expect(document.paths['/reports/status'].get?.security).toEqual([]);
  });

  it('shows organization requirements', () => {
    expect(document.paths['/orgs/{orgId}/members'].get?.description).toBe(
      '**Requires scopes:** `read:members`\n\n**Requires a token for the organization in** `orgId`',
    );
    expect(document.paths['/organization'].get?.description).toBe('**Requires a token for an organization**');
  });

  it('lifts the security requirement from @Public() operations and leaves no helper extension behind', () => {
    expect(document.paths['/documents/health'].get?.security).toEqual([]);
    expect(document.paths['/documents'].get?.security).toBeUndefined();
    expect(JSON.stringify(document)).not.toContain('x-logto-auth');
  });

  it('shows the bearer scheme as optional on @OptionalAuth() operations, and required where a requirement wins', () => {
    expect(document.paths['/news'].get?.security).toEqual([{ logto: [] }, {}]);
    expect(document.paths['/news'].get?.description).toBe(
      '**Bearer token optional:** without one the operation runs anonymously; an invalid one is refused (401)',
    );
    expect(document.paths['/news/drafts'].get?.security).toBeUndefined();
    expect(document.paths['/news/drafts'].get?.description).toBe('**Requires scopes:** `read:drafts`');
  });

  it('is stable when the document is built twice', () => {
    const again = createLogtoSwaggerDocument(app, addLogtoBearerAuth(new DocumentBuilder()).build());
    expect(again.paths).toEqual(document.paths);
  });

  it('leaves request handling as it was', async () => {
    const token = signAccessToken({ key, issuer: jwks.issuer });
    const res = await request(app.getHttpServer()).get('/documents').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    const refused = await request(app.getHttpServer()).get('/documents');
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('auth.authorization_header_missing');
    expect(refused.headers['www-authenticate']).toBe('Bearer realm="api"');
  });
});

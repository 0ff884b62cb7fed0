import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogtoAuthModule } from '../../lib';
import { LOGTO_AUTH_FAILURES } from '../../lib/errors/logto-auth.failures';
import { LogtoTestIssuer, startLogtoTestIssuer } from '../../lib/testing';
import { DocumentsController } from '../helpers/documents.controller';
import { OrganizationMembersController } from '../helpers/organizations.controller';
import { accepted, expectOutcome, forbidden, headerMissing, invalidToken } from '../helpers/expect-outcome';
import { ADAPTERS, createTestApp } from '../helpers/test-app';

// The kit's tokens go through the module's whole path (JWKS fetch, header and claim rules, signature),
// with the module configured the two ways users configure it, on both HTTP platforms, for both of Logto's
// key types.
const CONFIGURATIONS = ['forRoot', 'forRootAsync'] as const;

describe.each(ADAPTERS)('nestjs-logto/testing over %s', (adapter) => {
  describe.each(['ES384', 'RS256'] as const)('issuer signing %s', (alg) => {
    describe.each(CONFIGURATIONS)('module configured with %s', (configuration) => {
      let issuer: LogtoTestIssuer;
      let app: INestApplication;
      const get = (token?: string) => {
        const test = request(app.getHttpServer()).get('/documents');
        return token === undefined ? test : test.set('Authorization', `Bearer ${token}`);
      };

      beforeAll(async () => {
        issuer = await startLogtoTestIssuer({ alg });
        const auth =
          configuration === 'forRoot'
            ? LogtoAuthModule.forRoot(issuer.moduleOptions())
            : LogtoAuthModule.forRootAsync({ useFactory: async () => issuer.moduleOptions() });
        app = await createTestApp(adapter, { imports: [auth], controllers: [DocumentsController] });
      });
      afterAll(async () => {
        await app?.close();
        await issuer?.close();
      });

      it('accepts its token with the route scope and hands the claims to the handler', async () => {
        const response = await get(issuer.token({ sub: 'user-42', scopes: ['read:documents', 'write:documents'] }));
        expectOutcome(response, accepted);
        expect(response.body.user).toMatchObject({ sub: 'user-42', clientId: 'test-app', scopes: ['read:documents', 'write:documents'] });
      });

      it('refuses a request without a token with 401', async () => {
        expectOutcome(await get(), headerMissing);
      });

      it('refuses its token without the route scope with 403 insufficient_scope', async () => {
        for (const token of [issuer.tokens.withoutScopes(), issuer.token({ scopes: ['write:documents'] })]) {
          const response = await get(token);
          expect({ status: response.status, code: response.body.code }).toEqual({ status: 403, code: 'insufficient_scope' });
          expect(response.headers['www-authenticate']).toBe(
            `Bearer realm="api", error="insufficient_scope", error_description="${LOGTO_AUTH_FAILURES.insufficient_scope.description}", scope="read:documents"`,
          );
        }
      });

      it.each([
        ['expired', 'expired'],
        ['wrongAudience', 'wrong_audience'],
        ['wrongIssuer', 'wrong_issuer'],
        ['unknownKey', 'unknown_key'],
        ['badSignature', 'bad_signature'],
      ] as const)('refuses tokens.%s() with 401 invalid_token (%s)', async (kind, reason) => {
        expectOutcome(await get(issuer.tokens[kind]({ scopes: ['read:documents'] })), invalidToken(reason));
      });
    });
  });

  it('signs organization tokens the module accepts for their organization only', async () => {
    const issuer = await startLogtoTestIssuer();
    const app = await createTestApp(adapter, {
      imports: [LogtoAuthModule.forRoot({ ...issuer.moduleOptions(), organizations: true })],
      controllers: [OrganizationMembersController],
    });
    try {
      const get = (organization: string, token: string) =>
        request(app.getHttpServer()).get(`/orgs/${organization}/members`).set('Authorization', `Bearer ${token}`);
      // Logto's organization token (aud urn:logto:organization:<id>), and an API token with organization_id.
      const organizationToken = issuer.token({ audience: 'urn:logto:organization:org-1', scopes: ['read:members'] });
      const apiToken = issuer.token({ organizationId: 'org-1', scopes: ['read:members'] });
      for (const token of [organizationToken, apiToken]) {
        const response = await get('org-1', token);
        expectOutcome(response, accepted);
        expect(response.body).toEqual({ organizationId: 'org-1' });
        expectOutcome(await get('org-2', token), forbidden('auth.organization_mismatch', 'organization_mismatch'));
      }
    } finally {
      await app.close();
      await issuer.close();
    }
  });

  it('serves tokens for the audience given to moduleOptions() and token(), and refuses others', async () => {
    const issuer = await startLogtoTestIssuer({ audience: 'https://orders.example.com' });
    const app = await createTestApp(adapter, {
      imports: [LogtoAuthModule.forRoot(issuer.moduleOptions({ audience: ['https://orders.example.com', 'https://billing.example.com'] }))],
      controllers: [DocumentsController],
    });
    try {
      const get = (token: string) => request(app.getHttpServer()).get('/documents').set('Authorization', `Bearer ${token}`);
      expectOutcome(await get(issuer.token({ scopes: ['read:documents'] })), accepted);
      expectOutcome(await get(issuer.token({ scopes: ['read:documents'], audience: 'https://billing.example.com' })), accepted);
      expectOutcome(await get(issuer.token({ scopes: ['read:documents'], audience: 'https://api.example.com' })), invalidToken('wrong_audience'));
    } finally {
      await app.close();
      await issuer.close();
    }
  });
});

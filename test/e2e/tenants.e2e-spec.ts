import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogtoAuthModule } from '../../lib';
import { DocumentsController } from '../helpers/documents.controller';
import { expectOutcome, invalidToken } from '../helpers/expect-outcome';
import { createTestKey } from '../helpers/keys';
import { startJwksServer, JwksServer } from '../helpers/jwks-server';
import { signAccessToken } from '../helpers/sign-token';
import { ADAPTERS, createTestApp } from '../helpers/test-app';

const AUDIENCE_EU = 'https://api.example.com/eu';
const AUDIENCE_US = 'https://api.example.com/us';

describe.each(ADAPTERS)('several issuers and tenants over %s', (adapter) => {
  const euKey = createTestKey('ES384');
  const usKey = createTestKey('RS256');
  const strangerKey = createTestKey('ES384');
  let eu: JwksServer;
  let us: JwksServer;
  let stranger: JwksServer;
  const apps: INestApplication[] = [];
  const get = (app: INestApplication, bearer: string) =>
    request(app.getHttpServer()).get('/documents').set('Authorization', `Bearer ${bearer}`);

  beforeAll(async () => {
    [eu, us, stranger] = await Promise.all([
      startJwksServer([euKey.jwk]),
      startJwksServer([usKey.jwk]),
      startJwksServer([strangerKey.jwk]),
    ]);
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await Promise.all([eu, us, stranger].map((server) => server?.close()));
  });

  describe('tenants', () => {
    let app: INestApplication;
    // The EU tenant also answers on a custom domain: a second issuer of the same tenant.
    const euCustomDomain = () => eu.issuer.replace('127.0.0.1', 'localhost');

    beforeAll(async () => {
      app = await createTestApp(adapter, {
        imports: [
          LogtoAuthModule.forRoot({
            tenants: [
              { issuer: [eu.issuer, euCustomDomain()], jwksUri: eu.jwksUri, audience: AUDIENCE_EU },
              { endpoint: us.endpoint, audience: AUDIENCE_US },
            ],
          }),
        ],
        controllers: [DocumentsController],
      });
    });
    const counts = () => ({ eu: eu.requests, us: us.requests, stranger: stranger.requests });

    it("verifies each tenant's tokens with that tenant's keys", async () => {
      const euRes = await get(app, signAccessToken({ key: euKey, issuer: eu.issuer, claims: { aud: AUDIENCE_EU } }));
      const usRes = await get(app, signAccessToken({ key: usKey, issuer: us.issuer, claims: { aud: AUDIENCE_US } }));
      expect([euRes.status, usRes.status]).toEqual([200, 200]);
      expect([euRes.body.user.issuer, usRes.body.user.issuer]).toEqual([eu.issuer, us.issuer]);
      expect(eu.requests).toBeGreaterThan(0);
      expect(us.requests).toBeGreaterThan(0);
    });

    it('accepts every issuer listed for a tenant (custom domain), with that tenant\'s keys', async () => {
      const res = await get(app, signAccessToken({ key: euKey, issuer: euCustomDomain(), claims: { aud: AUDIENCE_EU } }));
      expect(res.status).toBe(200);
      expect(res.body.user.issuer).toBe(euCustomDomain());
    });

    it('refuses a token from an unknown issuer without any JWKS request', async () => {
      const before = counts();
      const res = await get(app, signAccessToken({ key: strangerKey, issuer: stranger.issuer, claims: { aud: AUDIENCE_EU } }));
      expectOutcome(res, invalidToken('wrong_issuer'));
      expect(counts()).toEqual(before);
      expect(stranger.requests).toBe(0);
    });

    it("refuses a tenant's token for another tenant's audience, before any JWKS request", async () => {
      const before = counts();
      const res = await get(app, signAccessToken({ key: euKey, issuer: eu.issuer, claims: { aud: AUDIENCE_US } }));
      expectOutcome(res, invalidToken('wrong_audience'));
      expect(counts()).toEqual(before);
    });

    it("never verifies one tenant's token with another tenant's key", async () => {
      // Signed with the US key and kid, but claiming the EU issuer: only the EU key set is consulted.
      const usRequests = us.requests;
      const res = await get(app, signAccessToken({ key: usKey, issuer: eu.issuer, claims: { aud: AUDIENCE_EU } }));
      expectOutcome(res, invalidToken('unknown_key'));
      expect(us.requests).toBe(usRequests);
    });
  });

  describe('issuer as a list', () => {
    it('accepts each listed issuer, compared exactly', async () => {
      const alias = eu.issuer.replace('127.0.0.1', 'localhost');
      const app = await createTestApp(adapter, {
        imports: [LogtoAuthModule.forRoot({ issuer: [eu.issuer, alias], jwksUri: eu.jwksUri, audience: AUDIENCE_EU })],
        controllers: [DocumentsController],
      });
      apps.push(app);
      const claims = { aud: AUDIENCE_EU };
      const viaAlias = await get(app, signAccessToken({ key: euKey, issuer: alias, claims }));
      expect(viaAlias.status).toBe(200);
      const withSlash = await get(app, signAccessToken({ key: euKey, issuer: `${alias}/`, claims }));
      expectOutcome(withSlash, invalidToken('wrong_issuer'));
    });
  });
});

import { DynamicModule, INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_PATH, BenchAppConfig, BenchAppName, UNSCOPED_PATH } from '../../bench/apps/bench-app-config';
import { emptyGuardApp, HANDED_OVER_USER } from '../../bench/apps/empty-guard.app';
import { joseGuardApp } from '../../bench/apps/jose-guard.app';
import { logtoModuleApp } from '../../bench/apps/logto-module.app';
import { passportRecipeApp } from '../../bench/apps/passport-recipe.app';
import { SIGNATURE_CHECKED_SUB, signatureOnlyApp } from '../../bench/apps/signature-only.app';
import { unguardedApp } from '../../bench/apps/unguarded.app';
import { createTestKey } from '../helpers/keys';
import { JwksServer, startJwksServer } from '../helpers/jwks-server';
import { signAccessToken, TEST_AUDIENCE } from '../helpers/sign-token';
import { ADAPTERS, createTestApp } from '../helpers/test-app';

const APPS: [BenchAppName, (config: BenchAppConfig) => DynamicModule][] = [
  ['unguarded', unguardedApp],
  ['empty-guard', () => emptyGuardApp()],
  ['empty-guard-user', () => emptyGuardApp(true)],
  ['logto-module', logtoModuleApp],
  ['passport-recipe', passportRecipeApp],
  ['jose-guard', joseGuardApp],
  ['signature-sync', (config) => signatureOnlyApp(config, 'sync')],
  ['signature-async', (config) => signatureOnlyApp(config, 'async')],
  ['signature-batched', (config) => signatureOnlyApp(config, 'batched')],
];
const SUB_ANSWERED: Partial<Record<BenchAppName, string>> = { unguarded: 'anonymous', 'empty-guard': 'anonymous', 'empty-guard-user': HANDED_OVER_USER.sub, 'signature-sync': SIGNATURE_CHECKED_SUB, 'signature-async': SIGNATURE_CHECKED_SUB, 'signature-batched': SIGNATURE_CHECKED_SUB };

// Only that `npm run bench` measures working apps: each accepts the tokens the bench signs.
describe.each(ADAPTERS)('the apps of npm run bench over %s', (adapter) => {
  const key = createTestKey('ES384');
  let jwks: JwksServer;
  const apps = new Map<BenchAppName, INestApplication>();

  beforeAll(async () => {
    jwks = await startJwksServer([key.jwk]);
    for (const [name, app] of APPS) {
      const config = { app: name, endpoint: jwks.endpoint, issuer: jwks.issuer, jwksUri: jwks.jwksUri, audience: TEST_AUDIENCE, cacheMaxEntries: 10 };
      apps.set(name, await createTestApp(adapter, { imports: [app(config)] }));
    }
  });
  afterAll(async () => {
    await Promise.all([...apps.values()].map((app) => app.close()));
    await jwks?.close();
  });

  it.each(APPS.map(([name]) => name))('%s answers a valid ES384 token with 200', async (name) => {
    const token = signAccessToken({ key, issuer: jwks.issuer, claims: { sub: 'bench-user' } });
    const res = await request(apps.get(name)!.getHttpServer()).get(BENCH_PATH).set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sub: SUB_ANSWERED[name] ?? 'bench-user' });
  });

  it('logto-module answers the same token with 200 on its route without @Scopes', async () => {
    const token = signAccessToken({ key, issuer: jwks.issuer, claims: { sub: 'bench-user' } });
    const res = await request(apps.get('logto-module')!.getHttpServer()).get(UNSCOPED_PATH).set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sub: 'bench-user' });
  });

  it.each([BENCH_PATH, UNSCOPED_PATH])('logto-module refuses a request without a token on %s, with the error contract', async (path) => {
    const res = await request(apps.get('logto-module')!.getHttpServer()).get(path);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('auth.authorization_header_missing');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it('logto-module checks the scope on its @Scopes route only', async () => {
    const token = signAccessToken({ key, issuer: jwks.issuer, claims: { sub: 'bench-user', scope: 'write:documents' } });
    const server = apps.get('logto-module')!.getHttpServer();
    const scoped = await request(server).get(BENCH_PATH).set('Authorization', `Bearer ${token}`);
    expect(scoped.status).toBe(403);
    expect(scoped.body.code).toBe('insufficient_scope');
    expect(scoped.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a scope this resource requires.", scope="read:documents"',
    );
    const unscoped = await request(server).get(UNSCOPED_PATH).set('Authorization', `Bearer ${token}`);
    expect(unscoped.status).toBe(200);
    expect(unscoped.body).toEqual({ sub: 'bench-user' });
  });

  // The recipes under comparison have no error contract: that they refuse at all is what matters here.
  it.each(['passport-recipe', 'jose-guard', 'signature-sync', 'signature-async', 'signature-batched'] as const)('%s refuses a request without a token', async (name) => {
    const res = await request(apps.get(name)!.getHttpServer()).get('/documents');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ statusCode: 401, message: 'Unauthorized' });
  });

  // Its floor is only a floor if it really checks: a token signed by another key is refused.
  it.each(['signature-sync', 'signature-async', 'signature-batched'] as const)('%s refuses a token whose signature is not the key\'s', async (name) => {
    const forged = signAccessToken({ key: createTestKey('ES384'), issuer: jwks.issuer, header: { kid: key.kid } });
    const res = await request(apps.get(name)!.getHttpServer()).get('/documents').set('Authorization', `Bearer ${forged}`);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ statusCode: 401, message: 'Unauthorized' });
  });
});

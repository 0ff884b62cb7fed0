import { INestApplication, ModuleMetadata, Type } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll } from 'vitest';
import { LogtoAuthModule, LogtoAuthModuleOptions } from '../../lib';
import { startJwksServer, JwksServer } from './jwks-server';
import { createTestKey } from './keys';
import { signAccessToken, TEST_AUDIENCE } from './sign-token';
import { AdapterName, createTestApp } from './test-app';

/**
 * A JWKS server with one ES384 key for the whole suite, and any number of apps started against it with
 * their own module options; everything is closed after the suite.
 */
export function useAppsAgainstJwks(adapter: AdapterName, controllers: Type[]) {
  const key = createTestKey('ES384');
  const apps: INestApplication[] = [];
  const fixture = {
    key,
    jwks: undefined as unknown as JwksServer,
    /** Closes `app` with the suite. */
    track(app: INestApplication): INestApplication {
      apps.push(app);
      return app;
    },
    async start(options: Partial<LogtoAuthModuleOptions> = {}): Promise<INestApplication> {
      const module = LogtoAuthModule.forRoot({ endpoint: fixture.jwks.endpoint, audience: TEST_AUDIENCE, ...options });
      return fixture.track(await createTestApp(adapter, { imports: [module], controllers } satisfies ModuleMetadata));
    },
    token: (claims: Record<string, unknown> = {}) => signAccessToken({ key, issuer: fixture.jwks.issuer, claims }),
    get: (app: INestApplication, path: string, bearer: string) =>
      request(app.getHttpServer()).get(path).set('Authorization', `Bearer ${bearer}`),
  };
  beforeAll(async () => {
    fixture.jwks = await startJwksServer([key.jwk]);
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await fixture.jwks?.close();
  });
  return fixture;
}

import { Controller, Get, Injectable, INestApplication, Module, UseGuards } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogtoAuthGuard, LogtoAuthModule, LogtoAuthModuleOptions, LogtoAuthOptionsFactory } from '../../lib';
import { startJwksServer, JwksServer } from '../helpers/jwks-server';
import { createTestKey } from '../helpers/keys';
import { signAccessToken, TEST_AUDIENCE } from '../helpers/sign-token';
import { ADAPTERS, createTestApp } from '../helpers/test-app';

@Controller('items')
class ItemsController {
  @Get()
  list() {
    return ['item'];
  }
}

@Controller('guarded')
@UseGuards(LogtoAuthGuard)
class ExplicitlyGuardedController {
  @Get()
  get() {
    return 'guarded';
  }
}

@Module({ controllers: [ExplicitlyGuardedController] })
class FeatureModule {}

describe.each(ADAPTERS)('module configuration over %s', (adapter) => {
  const key = createTestKey('ES384');
  let jwks: JwksServer;
  const apps: INestApplication[] = [];
  const start = async (imports: unknown[], controllers: unknown[] = [ItemsController]) => {
    const app = await createTestApp(adapter, { imports: imports as never, controllers: controllers as never });
    apps.push(app);
    return app;
  };
  const call = (app: INestApplication, path: string, token?: string) => {
    const test = request(app.getHttpServer()).get(path);
    return token ? test.set('Authorization', `Bearer ${token}`) : test;
  };

  beforeAll(async () => {
    jwks = await startJwksServer([key.jwk]);
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await jwks.close();
  });

  it('forRootAsync with ConfigService registers the global guard', async () => {
    const app = await start([
      ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ LOGTO_ENDPOINT: jwks.endpoint, LOGTO_AUDIENCE: TEST_AUDIENCE })] }),
      LogtoAuthModule.forRootAsync({
        imports: [ConfigModule],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({
          endpoint: config.getOrThrow<string>('LOGTO_ENDPOINT'),
          audience: config.getOrThrow<string>('LOGTO_AUDIENCE'),
        }),
      }),
    ]);
    expect((await call(app, '/items')).status).toBe(401);
    expect((await call(app, '/items', signAccessToken({ key, issuer: jwks.issuer }))).status).toBe(200);
  });

  it('forRootAsync with useClass and with an async factory', async () => {
    @Injectable()
    class OptionsFactory implements LogtoAuthOptionsFactory {
      createLogtoAuthOptions(): LogtoAuthModuleOptions {
        return { endpoint: jwks.endpoint, audience: TEST_AUDIENCE };
      }
    }
    const viaClass = await start([LogtoAuthModule.forRootAsync({ useClass: OptionsFactory })]);
    const viaPromise = await start([
      LogtoAuthModule.forRootAsync({ useFactory: async () => ({ endpoint: jwks.endpoint, audience: TEST_AUDIENCE }) }),
    ]);
    for (const app of [viaClass, viaPromise]) {
      expect((await call(app, '/items')).body.code).toBe('auth.authorization_header_missing');
      expect((await call(app, '/items', signAccessToken({ key, issuer: jwks.issuer }))).status).toBe(200);
    }
  });

  it('global: false leaves routes open unless they use @UseGuards(LogtoAuthGuard), also in another module', async () => {
    const app = await start(
      [LogtoAuthModule.forRootAsync({ useFactory: () => ({ endpoint: jwks.endpoint, audience: TEST_AUDIENCE, global: false }) }), FeatureModule],
    );
    expect((await call(app, '/items')).status).toBe(200);
    const refused = await call(app, '/guarded');
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect((await call(app, '/guarded', signAccessToken({ key, issuer: jwks.issuer }))).status).toBe(200);
  });

  it('two apps in one process keep their own audiences (no shared passport registry)', async () => {
    const first = await start([LogtoAuthModule.forRoot({ endpoint: jwks.endpoint, audience: 'https://first.example.com' })]);
    const second = await start([LogtoAuthModule.forRoot({ endpoint: jwks.endpoint, audience: 'https://second.example.com' })]);
    const forFirst = signAccessToken({ key, issuer: jwks.issuer, claims: { aud: 'https://first.example.com' } });
    expect((await call(first, '/items', forFirst)).status).toBe(200);
    const res = await call(second, '/items', forFirst);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid_token');
  });

  it.each([
    [{ endpoint: 'https://t.logto.app' }, 'option "audience"'],
    [{ audience: TEST_AUDIENCE }, 'option "endpoint"'],
    [{ endpoint: 'http://t.logto.app', audience: TEST_AUDIENCE }, 'option "endpoint" must use https'],
    [{ endpoint: 'https://t.logto.app', audience: TEST_AUDIENCE, algorithms: ['HS256'] }, 'option "algorithms" names "HS256"'],
    [{ endpoint: 'https://t.logto.app', audience: TEST_AUDIENCE, algorithms: ['ES384', 'none'] }, 'option "algorithms" names "none"'],
  ])('start-up fails for invalid options %#, naming the option', async (options, message) => {
    await expect(start([LogtoAuthModule.forRoot(options as LogtoAuthModuleOptions)])).rejects.toThrow(message);
  });

  it('start-up fails through forRootAsync too', async () => {
    const bad = LogtoAuthModule.forRootAsync({ useFactory: () => ({ endpoint: jwks.endpoint }) as LogtoAuthModuleOptions });
    await expect(start([bad])).rejects.toThrow('option "audience"');
  });
});

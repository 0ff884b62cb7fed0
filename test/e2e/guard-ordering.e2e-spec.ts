import { Controller, Get, INestApplication, Module, ModuleMetadata, UseGuards } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CurrentUser, LogtoAuthModule } from '../../lib';
import { createTestKey } from '../helpers/keys';
import { startJwksServer, JwksServer } from '../helpers/jwks-server';
import { Roles, RolesGuard } from '../helpers/roles.guard';
import { signAccessToken, TEST_AUDIENCE } from '../helpers/sign-token';
import { ADAPTERS, AdapterName, createTestApp } from '../helpers/test-app';

@Controller('admin')
class AdminController {
  @Get()
  @Roles('admin')
  get(@CurrentUser('sub') sub: string) {
    return { sub };
  }
}

@Controller('admin-local')
@UseGuards(RolesGuard)
class LocallyGuardedAdminController {
  @Get()
  @Roles('admin')
  get(@CurrentUser('sub') sub: string) {
    return { sub };
  }
}

/** The way that works for a global guard of one's own: in a module imported after LogtoAuthModule. */
@Module({ providers: [{ provide: APP_GUARD, useClass: RolesGuard }] })
class AuthorizationModule {}

type Setup = (logto: ReturnType<typeof LogtoAuthModule.forRoot>) => ModuleMetadata & { useGlobalGuards?: boolean };

/** Each way a user can add their own guard next to the module's global one, and the path it guards. */
const WORKING_SETUPS: [string, string, Setup][] = [
  ['APP_GUARD in a module imported after LogtoAuthModule', '/admin', (logto) => ({ imports: [logto, AuthorizationModule], controllers: [AdminController] })],
  ['@UseGuards() on the controller', '/admin-local', (logto) => ({ imports: [logto], controllers: [LocallyGuardedAdminController], providers: [RolesGuard] })],
  ['app.useGlobalGuards()', '/admin', (logto) => ({ imports: [logto], controllers: [AdminController], useGlobalGuards: true })],
];

async function createApp(adapter: AdapterName, { useGlobalGuards, ...metadata }: ReturnType<Setup>): Promise<INestApplication> {
  if (!useGlobalGuards) return createTestApp(adapter, metadata);
  // Global guards must be added before init, so this one case builds its app by hand.
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app = moduleRef.createNestApplication(adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(), {
    logger: false,
    abortOnError: false,
  });
  app.useGlobalGuards(new RolesGuard(app.get(Reflector)));
  await app.init();
  if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe.each(ADAPTERS)('a user guard after LogtoAuthGuard, over %s', (adapter) => {
  const key = createTestKey('ES384');
  let jwks: JwksServer;
  beforeAll(async () => (jwks = await startJwksServer([key.jwk])));
  afterAll(async () => jwks?.close());

  describe.each(WORKING_SETUPS)('%s', (_name, path, setup) => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await createApp(adapter, setup(LogtoAuthModule.forRoot({ endpoint: jwks.endpoint, audience: TEST_AUDIENCE })));
    });
    beforeEach(() => (RolesGuard.calls = 0));
    afterAll(async () => app?.close());

    it('runs after the token is verified and sees request.user', async () => {
      const token = signAccessToken({ key, issuer: jwks.issuer, claims: { roles: ['admin'] } });
      const res = await request(app.getHttpServer()).get(path).set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ sub: 'user-1' });
      expect(RolesGuard.calls).toBe(1);
    });

    it('makes its own decision on the verified user', async () => {
      const token = signAccessToken({ key, issuer: jwks.issuer, claims: { roles: ['viewer'] } });
      const res = await request(app.getHttpServer()).get(path).set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(403);
      expect(res.body.message).toBe('missing role');
      expect(res.headers['www-authenticate']).toBeUndefined();
    });

    it('never runs when LogtoAuthGuard refuses', async () => {
      const res = await request(app.getHttpServer()).get(path);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('auth.authorization_header_missing');
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
      expect(RolesGuard.calls).toBe(0);
    });
  });

  describe('APP_GUARD in the root module (the pitfall the README warns about)', () => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await createTestApp(adapter, {
        imports: [LogtoAuthModule.forRoot({ endpoint: jwks.endpoint, audience: TEST_AUDIENCE })],
        controllers: [AdminController],
        providers: [{ provide: APP_GUARD, useClass: RolesGuard }],
      });
    });
    afterEach(() => (RolesGuard.calls = 0));
    afterAll(async () => app?.close());

    it('runs before LogtoAuthGuard: Nest scans the root module first, so request.user is not set yet', async () => {
      const token = signAccessToken({ key, issuer: jwks.issuer, claims: { roles: ['admin'] } });
      const res = await request(app.getHttpServer()).get('/admin').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(403);
      expect(res.body.message).toBe('RolesGuard ran before request.user was set');
      expect(res.headers['www-authenticate']).toBeUndefined();
    });
  });
});

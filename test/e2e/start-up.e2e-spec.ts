import { INestApplication } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { LogtoAuthModule, LogtoAuthModuleOptions } from '../../lib';
import { DocumentsController } from '../helpers/documents.controller';
import { JwksServer, startJwksServer } from '../helpers/jwks-server';
import { createTestKey } from '../helpers/keys';
import { RecordingLogger } from '../helpers/recording-logger';
import { signAccessToken, TEST_AUDIENCE } from '../helpers/sign-token';
import { ADAPTERS, AdapterName } from '../helpers/test-app';

const key = createTestKey('ES384');

/** Compiles and initialises an app with the recording logger in place before init, as start-up logs need. */
async function initApp(adapter: AdapterName, options: LogtoAuthModuleOptions, logger: RecordingLogger): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [LogtoAuthModule.forRoot(options)], controllers: [DocumentsController] }).compile();
  const app = moduleRef.createNestApplication(adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(), {
    logger,
    abortOnError: false,
  });
  try {
    await app.init();
  } catch (error) {
    await app.close();
    throw error;
  }
  if (adapter === 'fastify') await app.getHttpAdapter().getInstance().ready();
  return app;
}

const startUpLines = (logger: RecordingLogger, level: 'log' | 'warn') =>
  logger.entries.filter((entry) => entry.context === 'LogtoAuth' && entry.level === level).map((entry) => entry.message);

describe.each(ADAPTERS)('start-up over %s', (adapter) => {
  let jwks: JwksServer | undefined;
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    await jwks?.close();
    app = jwks = undefined;
  });

  it('logs once, at level log, the issuer, JWKS URL and audience it trusts, without fetching keys by default', async () => {
    jwks = await startJwksServer([key.jwk]);
    const logger = new RecordingLogger();
    app = await initApp(adapter, { endpoint: jwks.endpoint, audience: [TEST_AUDIENCE, 'https://api2.example.com'] }, logger);
    expect(startUpLines(logger, 'log')).toEqual([
      `Trusting access tokens from issuer "${jwks.issuer}" (keys ${jwks.jwksUri}) for audiences "${TEST_AUDIENCE}", "https://api2.example.com"`,
    ]);
    expect(jwks.requests).toBe(0);
  });

  it('logs one line per tenant, and says when organization tokens are trusted too', async () => {
    jwks = await startJwksServer([key.jwk]);
    const logger = new RecordingLogger();
    const custom = 'https://auth.example.com/oidc';
    app = await initApp(
      adapter,
      {
        audience: TEST_AUDIENCE,
        organizations: true,
        tenants: [{ endpoint: jwks.endpoint }, { issuer: [custom, 'https://t2.logto.app/oidc'], jwksUri: 'https://t2.logto.app/oidc/jwks', audience: 'https://b.example.com' }],
      },
      logger,
    );
    expect(startUpLines(logger, 'log')).toEqual([
      `Trusting access tokens from issuer "${jwks.issuer}" (keys ${jwks.jwksUri}) for audience "${TEST_AUDIENCE}", and organization tokens (audience "urn:logto:organization:<id>")`,
      `Trusting access tokens from issuers "${custom}", "https://t2.logto.app/oidc" (keys https://t2.logto.app/oidc/jwks) for audience "https://b.example.com", and organization tokens (audience "urn:logto:organization:<id>")`,
    ]);
  });

  it('refuses to start with warmUp "fail" when the JWKS is down, naming the JWKS URL and the fix', async () => {
    jwks = await startJwksServer([key.jwk]);
    jwks.set({ kind: 'status', status: 503 });
    const logger = new RecordingLogger();
    const started = initApp(adapter, { endpoint: jwks.endpoint, audience: TEST_AUDIENCE, warmUp: 'fail' }, logger);
    await expect(started).rejects.toThrow(
      `LogtoAuthModule: warm-up could not fetch the signing keys from ${jwks.jwksUri} (the reason is logged above). ` +
        'Check "endpoint" (or "jwksUri") and that the issuer is reachable from this host, or set warmUp: "warn" to start anyway.',
    );
    await expect(started).rejects.toMatchObject({ name: 'LogtoAuthWarmUpError' });
    expect(jwks.requests).toBe(1);
    expect(logger.matching(`JWKS unreachable at ${jwks.jwksUri}`)).toHaveLength(1);
  });

  it('refuses to start with warmUp "fail" when nothing listens at the JWKS URL', async () => {
    jwks = await startJwksServer([key.jwk]);
    const endpoint = jwks.endpoint;
    await jwks.close();
    jwks = undefined;
    await expect(initApp(adapter, { endpoint, audience: TEST_AUDIENCE, warmUp: 'fail' }, new RecordingLogger())).rejects.toThrow(
      `warm-up could not fetch the signing keys from ${endpoint}/oidc/jwks`,
    );
  });

  it('starts with warmUp "warn" when the JWKS is down, warns, and verifies once the JWKS is back', async () => {
    jwks = await startJwksServer([key.jwk]);
    jwks.set({ kind: 'status', status: 503 });
    const logger = new RecordingLogger();
    app = await initApp(adapter, { endpoint: jwks.endpoint, audience: TEST_AUDIENCE, warmUp: 'warn', jwksCooldownMs: 0 }, logger);
    expect(startUpLines(logger, 'warn')).toEqual([
      `warm-up could not fetch the signing keys from ${jwks.jwksUri} (the reason is logged above). ` +
        'Check "endpoint" (or "jwksUri") and that the issuer is reachable from this host. ' +
        'Starting anyway (warmUp: "warn"): requests fetch the keys when they need them.',
    ]);
    jwks.setKeys([key.jwk]);
    const token = signAccessToken({ key, issuer: jwks.issuer });
    expect((await request(app.getHttpServer()).get('/documents').set('Authorization', `Bearer ${token}`)).status).toBe(200);
  });

  it.each(['warn', 'fail'] as const)('with warmUp "%s" and the JWKS up, starts with the keys already fetched', async (warmUp) => {
    jwks = await startJwksServer([key.jwk]);
    const logger = new RecordingLogger();
    app = await initApp(adapter, { endpoint: jwks.endpoint, audience: TEST_AUDIENCE, warmUp }, logger);
    expect(jwks.requests).toBe(1);
    expect(startUpLines(logger, 'log')).toContain(`Warm-up: signing keys fetched from ${jwks.jwksUri}`);
    expect(startUpLines(logger, 'warn')).toEqual([]);
    const token = signAccessToken({ key, issuer: jwks.issuer });
    expect((await request(app.getHttpServer()).get('/documents').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    expect(jwks.requests).toBe(1); // the first request found the keys there
  });
});

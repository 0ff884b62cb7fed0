import { INestApplication } from '@nestjs/common';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { LogtoAuthModule, LogtoAuthModuleOptions } from '../../lib';
import { DocumentsController } from './documents.controller';
import { createTestKey, TestKey } from './keys';
import { JwksServer, startJwksServer } from './jwks-server';
import { RecordingLogger } from './recording-logger';
import { AccessTokenSpec, signAccessToken, TEST_AUDIENCE } from './sign-token';
import { AdapterName, createTestApp } from './test-app';

/** A real app guarded by LogtoAuthModule, listening on 127.0.0.1, with its own JWKS server and logger. */
export interface GuardedApp {
  readonly app: INestApplication;
  readonly jwks: JwksServer;
  /** The key the JWKS publishes (ES384 unless other keys were given). */
  readonly key: TestKey;
  readonly port: number;
  readonly url: string;
  readonly logger: RecordingLogger;
  /** A token valid for this app, signed by `key` unless the spec names another. */
  token(spec?: Partial<AccessTokenSpec>): string;
  /** GET /documents (scope read:documents) with this Authorization header, or none. */
  get(authorization?: string): request.Test;
  close(): Promise<void>;
}

export interface GuardedAppSetup {
  readonly options?: Partial<LogtoAuthModuleOptions>;
  /** What the JWKS publishes; default: one fresh ES384 key. */
  readonly keys?: readonly TestKey[];
  /** Leave the JWKS cache cold (default: one warm-up request fills it). */
  readonly cold?: boolean;
}

export async function startGuardedApp(adapter: AdapterName, setup: GuardedAppSetup = {}): Promise<GuardedApp> {
  const keys = setup.keys ?? [createTestKey('ES384')];
  const jwks = await startJwksServer(keys.map((key) => key.jwk));
  const logger = new RecordingLogger();
  const app = await createTestApp(adapter, {
    imports: [LogtoAuthModule.forRoot({ endpoint: jwks.endpoint, audience: TEST_AUDIENCE, ...setup.options })],
    controllers: [DocumentsController],
  });
  app.useLogger(logger);
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const guarded: GuardedApp = {
    app,
    jwks,
    key: keys[0],
    port,
    url,
    logger,
    token: (spec = {}) => signAccessToken({ key: keys[0], issuer: jwks.issuer, ...spec }),
    get: (authorization) => {
      const test = request(url).get('/documents');
      return authorization === undefined ? test : test.set('Authorization', authorization);
    },
    close: async () => {
      await app.close();
      await jwks.close();
    },
  };
  if (!setup.cold) {
    const warmUp = await guarded.get(`Bearer ${guarded.token()}`);
    if (warmUp.status !== 200) throw new Error(`warm-up request failed with ${warmUp.status}`);
    jwks.resetCount();
  }
  return guarded;
}

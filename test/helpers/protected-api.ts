import { DynamicModule, INestApplication, ModuleMetadata } from '@nestjs/common';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll } from 'vitest';
import { LogtoAuthModule, LogtoAuthModuleOptions } from '../../lib';
import { DocumentsController } from './documents.controller';
import { JwksServer, startJwksServer } from './jwks-server';
import { createTestKey, TestKey } from './keys';
import { RecordingLogger } from './recording-logger';
import { AccessTokenSpec, signAccessToken, TEST_AUDIENCE } from './sign-token';
import { AdapterName, createTestApp } from './test-app';

/** How to start a protected API: every field is optional. */
export interface ProtectedApiSetup {
  /** Merged over `{ endpoint: <the JWKS server>, audience: TEST_AUDIENCE }`. */
  readonly options?: Partial<LogtoAuthModuleOptions>;
  /** Used instead of `LogtoAuthModule.forRoot(...)` (e.g. `forRootAsync`); `options` is then not read. */
  readonly logtoModule?: DynamicModule;
  /** What the JWKS publishes; default: one fresh ES384 key. The first one signs `token()`. */
  readonly keys?: readonly TestKey[];
  /** A JWKS server to use instead of starting one; it is not closed with the app. */
  readonly jwks?: JwksServer;
  /** Default: the documents controller. */
  readonly controllers?: ModuleMetadata['controllers'];
  readonly providers?: ModuleMetadata['providers'];
  /** Modules besides LogtoAuthModule. */
  readonly imports?: ModuleMetadata['imports'];
  /**
   * Leave the JWKS cache cold. By default one request with a good token to GET /documents fills it
   * (so the documents controller must be there) and the JWKS request count is reset.
   */
  readonly cold?: boolean;
}

/** A real app guarded by LogtoAuthModule, listening on 127.0.0.1, with its JWKS server and a recording logger. */
export interface ProtectedApi {
  readonly app: INestApplication;
  readonly jwks: JwksServer;
  /** The key that signs `token()` (the first of `keys`). */
  readonly key: TestKey;
  readonly keys: readonly TestKey[];
  readonly port: number;
  readonly url: string;
  readonly logger: RecordingLogger;
  /** A token valid for this app, signed by `key` unless the spec names another. */
  token(spec?: Partial<AccessTokenSpec>): string;
  /** GET `path` with this Authorization header value, or none when undefined. */
  get(path: string, authorization?: string): request.Test;
  post(path: string, authorization?: string): request.Test;
  /** Starts another app against the same JWKS server and keys; it is closed with this one. */
  start(setup?: Omit<ProtectedApiSetup, 'jwks' | 'keys'>): Promise<ProtectedApi>;
  /** Closes the app, the apps it started, and the JWKS server unless it was given. */
  close(): Promise<void>;
}

export async function startProtectedApi(adapter: AdapterName, setup: ProtectedApiSetup = {}): Promise<ProtectedApi> {
  const keys = setup.keys ?? [createTestKey('ES384')];
  const jwks = setup.jwks ?? (await startJwksServer(keys.map((key) => key.jwk)));
  const logger = new RecordingLogger();
  const logtoModule = setup.logtoModule ?? LogtoAuthModule.forRoot({ endpoint: jwks.endpoint, audience: TEST_AUDIENCE, ...setup.options });
  let app: INestApplication;
  try {
    app = await createTestApp(adapter, {
      imports: [logtoModule, ...(setup.imports ?? [])],
      controllers: setup.controllers ?? [DocumentsController],
      providers: setup.providers ?? [],
    });
  } catch (error) {
    if (!setup.jwks) await jwks.close();
    throw error;
  }
  app.useLogger(logger);
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const started: ProtectedApi[] = [];
  const api: ProtectedApi = {
    app,
    jwks,
    key: keys[0],
    keys,
    port,
    url,
    logger,
    token: (spec = {}) => signAccessToken({ key: keys[0], issuer: jwks.issuer, ...spec }),
    get: (path, authorization) => withAuthorization(request(url).get(path), authorization),
    post: (path, authorization) => withAuthorization(request(url).post(path), authorization),
    start: async (more = {}) => {
      const other = await startProtectedApi(adapter, { ...more, jwks, keys });
      started.push(other);
      return other;
    },
    close: async () => {
      await Promise.all(started.map((other) => other.close()));
      await app.close();
      if (!setup.jwks) await jwks.close();
    },
  };
  if (!setup.cold) {
    const warmUp = await api.get('/documents', `Bearer ${api.token()}`);
    if (warmUp.status !== 200) throw new Error(`warm-up request failed with ${warmUp.status}`);
    jwks.resetCount();
  }
  return api;
}

/**
 * `startProtectedApi` in a beforeAll hook and `close` in an afterAll hook: the returned object's fields
 * are ready inside the tests.
 */
export function useProtectedApi(adapter: AdapterName, setup: ProtectedApiSetup = {}): ProtectedApi {
  let started: ProtectedApi | undefined;
  beforeAll(async () => {
    started = await startProtectedApi(adapter, setup);
  });
  afterAll(async () => {
    await started?.close();
  });
  return new Proxy({} as ProtectedApi, {
    get(_, field: keyof ProtectedApi) {
      if (!started) throw new Error(`useProtectedApi: "${String(field)}" read before the beforeAll hook ran`);
      return started[field];
    },
  });
}

function withAuthorization(test: request.Test, authorization: string | undefined): request.Test {
  return authorization === undefined ? test : test.set('Authorization', authorization);
}

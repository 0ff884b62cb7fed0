import { INestApplication, ModuleMetadata } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll } from 'vitest';
import { LogtoAuthModule, LogtoAuthModuleOptions } from '../../lib';
import { DocumentsController } from './documents.controller';
import { startJwksServer, JwksServer } from './jwks-server';
import { createTestKey, TestKey } from './keys';
import { AccessTokenSpec, signAccessToken, TEST_AUDIENCE } from './sign-token';
import { AdapterName, createTestApp } from './test-app';

export interface ProtectedApi {
  readonly app: INestApplication;
  readonly jwks: JwksServer;
  /** ES384 (Logto's default) and RS256 keys, both in the JWKS. */
  readonly es384: TestKey;
  readonly rs256: TestKey;
  /** A token for the test API signed by `es384` unless the spec says otherwise. */
  token(spec?: Partial<AccessTokenSpec>): string;
  /** GET `path` with the given Authorization header value (none when undefined). */
  get(path: string, authorization?: string): request.Test;
  post(path: string, authorization?: string): request.Test;
}

/**
 * Registers beforeAll/afterAll hooks that start a JWKS server and a Nest app protecting the
 * documents controller, and returns an object whose fields are ready inside the tests.
 */
export function useProtectedApi(
  adapter: AdapterName,
  options: Partial<LogtoAuthModuleOptions> = {},
  metadata: ModuleMetadata = {},
): ProtectedApi {
  const es384 = createTestKey('ES384');
  const rs256 = createTestKey('RS256');
  const api = { es384, rs256 } as { -readonly [K in keyof ProtectedApi]: ProtectedApi[K] };

  beforeAll(async () => {
    api.jwks = await startJwksServer([es384.jwk, rs256.jwk]);
    api.app = await createTestApp(adapter, {
      imports: [LogtoAuthModule.forRoot({ endpoint: api.jwks.endpoint, audience: TEST_AUDIENCE, ...options }), ...(metadata.imports ?? [])],
      controllers: metadata.controllers ?? [DocumentsController],
      providers: metadata.providers ?? [],
    });
  });
  afterAll(async () => {
    await api.app?.close();
    await api.jwks?.close();
  });

  api.token = (spec = {}) => signAccessToken({ key: es384, issuer: api.jwks.issuer, ...spec });
  api.get = (path, authorization) => withAuthorization(request(api.app.getHttpServer()).get(path), authorization);
  api.post = (path, authorization) => withAuthorization(request(api.app.getHttpServer()).post(path), authorization);
  return api;
}

function withAuthorization(test: request.Test, authorization: string | undefined): request.Test {
  return authorization === undefined ? test : test.set('Authorization', authorization);
}

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

export const challenge = (error: string, description: string, realm = 'api') =>
  `Bearer realm="${realm}", error="${error}", error_description="${description}"`;

export const DESCRIPTIONS = {
  invalidFormat: 'The Authorization header must be the word Bearer, spaces and one token (RFC 6750 section 2.1).',
  opaque: 'The access token is opaque, not a JWT: request it with the resource parameter set to this API resource indicator.',
  encrypted: 'Encrypted (JWE) access tokens are not supported.',
  malformed: 'The access token is not a well-formed signed JWT.',
  algorithm: 'The access token is signed with an algorithm this API does not accept.',
  wrongType: 'The token is not an access token (the typ header must be at+jwt).',
  crit: 'The access token has header parameters this API does not understand.',
  wrongIssuer: 'The access token was issued by an issuer this API does not trust.',
  wrongAudience: 'The access token was not issued for this API.',
  expired: 'The access token has expired.',
  notYetValid: 'The access token is not valid yet.',
  issuedInFuture: 'The access token was issued in the future.',
  invalidClaims: 'The access token lacks a required claim or has a claim of the wrong type.',
  unknownKey: 'The access token is signed with a key this API does not know.',
  badSignature: 'The access token signature is invalid.',
  insufficientScope: 'The access token lacks a scope this resource requires.',
} as const;

import { listenOnLoopback } from './loopback.server';
import { generateSigningKey, SigningKey } from './signing-key.util';
import { PublicSigningJwk } from './public-signing-jwk.interface';
import { LogtoTestTokenOptions, signTestAccessToken } from './test-access-token.util';

/** How to start a test issuer. */
export interface LogtoTestIssuerOptions {
  /** The signing algorithm: `ES384` (Logto's default) or `RS256` (Logto after a rotation to RSA). Default `ES384`. */
  alg?: 'ES384' | 'RS256';
  /** The API resource indicator the tokens are for, and the module's `audience`. Default `https://api.example.com`. */
  audience?: string;
}

/** The part of `LogtoAuthModuleOptions` that makes the module trust a test issuer; spread your other options over it. */
export interface LogtoTestModuleOptions {
  issuer: string;
  jwksUri: string;
  audience: string | string[];
}

/** Tokens the module must refuse: each fails exactly one rule, so a test shows which rule is enforced. */
export interface LogtoRefusedTestTokens {
  /** Expired an hour ago: 401 `invalid_token`. */
  expired(options?: LogtoTestTokenOptions): string;
  /** For another API (`https://wrong-audience.invalid`): 401 `invalid_token`. */
  wrongAudience(options?: LogtoTestTokenOptions): string;
  /** Names another issuer (`https://wrong-issuer.invalid/oidc`), signed with the trusted key: 401 `invalid_token`. */
  wrongIssuer(options?: LogtoTestTokenOptions): string;
  /** Signed by a key the JWKS does not publish (its own `kid`): 401 `invalid_token`. */
  unknownKey(options?: LogtoTestTokenOptions): string;
  /** A valid token whose signature was altered: 401 `invalid_token`. */
  badSignature(options?: LogtoTestTokenOptions): string;
  /** A valid token with no `scope` at all: 403 `insufficient_scope` on any route that needs one. */
  withoutScopes(options?: Omit<LogtoTestTokenOptions, 'scopes'>): string;
}

/**
 * A local, Logto-like token issuer for your tests: a fresh key pair and its JWKS served on
 * `http://127.0.0.1:<free port>/oidc/jwks`. The module verifies its tokens exactly as it verifies
 * Logto's, JWKS fetch included: there is no option that makes the module trust anything else.
 *
 * @example
 * const issuer = await startLogtoTestIssuer();
 * const moduleRef = await Test.createTestingModule({
 *   imports: [LogtoAuthModule.forRoot(issuer.moduleOptions())],
 *   controllers: [DocumentsController],
 * }).compile();
 * const token = issuer.token({ scopes: ['read:documents'] });
 * // ...
 * await issuer.close();
 */
export interface LogtoTestIssuer {
  /** `http://127.0.0.1:<port>`: give it to an app configured by its Logto endpoint (`LOGTO_ENDPOINT`). */
  readonly endpoint: string;
  /** `http://127.0.0.1:<port>/oidc`: the `iss` of every token. */
  readonly issuer: string;
  /** `http://127.0.0.1:<port>/oidc/jwks` */
  readonly jwksUri: string;
  /** The default `aud` of the tokens. */
  readonly audience: string;
  /** The public key set served at `jwksUri`. */
  readonly jwks: { readonly keys: readonly PublicSigningJwk[] };
  /**
   * Options for `LogtoAuthModule.forRoot()` (or the `useFactory` of `forRootAsync()`) that trust this
   * issuer; `audience` overrides the issuer's.
   *
   * @example
   * LogtoAuthModule.forRootAsync({ useFactory: () => ({ ...issuer.moduleOptions(), organizations: true }) })
   */
  moduleOptions(overrides?: { audience?: string | readonly string[] }): LogtoTestModuleOptions;
  /**
   * A signed Logto access token: header `{ alg, typ: 'at+jwt', kid }`, claims `jti`, `sub`, `iat`,
   * `exp`, `scope` (absent without scopes), `client_id`, `iss`, `aud`.
   *
   * @example
   * issuer.token({ scopes: ['read:documents'] });
   * issuer.token({ sub: 'user-42', organizationId: 'org-1', expiresIn: 60 });
   */
  token(options?: LogtoTestTokenOptions): string;
  /**
   * Tokens that must be refused.
   *
   * @example
   * await request(app.getHttpServer()).get('/documents').auth(issuer.tokens.expired(), { type: 'bearer' }).expect(401);
   */
  readonly tokens: LogtoRefusedTestTokens;
  /** Stops the JWKS server. Safe to call twice; `await using issuer = await startLogtoTestIssuer()` calls it too. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts a {@link LogtoTestIssuer}. Close it when your tests are done (`afterAll(() => issuer.close())`).
 *
 * @example
 * let issuer: LogtoTestIssuer;
 * beforeAll(async () => (issuer = await startLogtoTestIssuer({ audience: 'https://api.example.com' })));
 * afterAll(() => issuer.close());
 */
export async function startLogtoTestIssuer(options: LogtoTestIssuerOptions = {}): Promise<LogtoTestIssuer> {
  const alg = options.alg ?? 'ES384';
  if (alg !== 'ES384' && alg !== 'RS256') throw new TypeError(`startLogtoTestIssuer: alg must be ES384 or RS256, not ${String(alg)}`);
  const audience = options.audience ?? 'https://api.example.com';
  if (typeof audience !== 'string' || audience === '') throw new TypeError('startLogtoTestIssuer: audience must be a non-empty string');
  // Logto's rotated RSA key carries no `alg` in its JWK; the module must pick it by kid and key type alone.
  const key = generateSigningKey(alg, undefined, alg !== 'RS256');
  const jwks = Object.freeze({ keys: Object.freeze([key.jwk]) });
  const body = JSON.stringify(jwks);
  const server = await listenOnLoopback((request, response) => {
    if (request.method === 'GET' && request.url === '/oidc/jwks') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } else {
      response.writeHead(404).end();
    }
  });
  const issuer = `${server.origin}/oidc`;
  const sign = (signingKey: SigningKey, tokenOptions?: LogtoTestTokenOptions) =>
    signTestAccessToken({ issuer, audience, key: signingKey }, tokenOptions);
  let strangerKey: SigningKey | undefined;
  const tokens: LogtoRefusedTestTokens = {
    expired: (o) => sign(key, { ...o, expiresIn: -3600 }),
    wrongAudience: (o) => sign(key, { ...o, audience: 'https://wrong-audience.invalid' }),
    wrongIssuer: (o) => sign(key, { ...o, claims: { ...o?.claims, iss: 'https://wrong-issuer.invalid/oidc' } }),
    unknownKey: (o) => sign((strangerKey ??= generateSigningKey(alg)), o),
    badSignature: (o) => alterSignature(sign(key, o)),
    withoutScopes: (o) => sign(key, { ...o, scopes: [] }),
  };
  const close = () => server.close();
  return Object.freeze({
    endpoint: server.origin,
    issuer,
    jwksUri: `${issuer}/jwks`,
    audience,
    jwks,
    moduleOptions: (overrides: { audience?: string | readonly string[] } = {}) => ({
      issuer,
      jwksUri: `${issuer}/jwks`,
      audience: overrides.audience === undefined ? audience : typeof overrides.audience === 'string' ? overrides.audience : [...overrides.audience],
    }),
    token: (tokenOptions?: LogtoTestTokenOptions) => sign(key, tokenOptions),
    tokens: Object.freeze(tokens),
    close,
    [Symbol.asyncDispose]: close,
  });
}

// Flips bits in the first signature byte: same length and encoding, so only the signature check can refuse it.
function alterSignature(token: string): string {
  const [header, payload, signature] = token.split('.');
  const bytes = Buffer.from(signature, 'base64url');
  bytes[0] ^= 0xff;
  return `${header}.${payload}.${bytes.toString('base64url')}`;
}

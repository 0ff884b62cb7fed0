/**
 * What `LogtoAuthModule.forRoot()` accepts. Give `endpoint` (your Logto tenant URL), or `issuer`
 * and `jwksUri` explicitly; `audience` is always required.
 */
export interface LogtoAuthModuleOptions {
  /** The Logto endpoint, e.g. `https://my-tenant.logto.app`: issuer `<endpoint>/oidc`, JWKS `<endpoint>/oidc/jwks`. */
  endpoint?: string;
  /** The accepted `iss` values, compared exactly (custom domains: list them all). Default `<endpoint>/oidc`. */
  issuer?: string | readonly string[];
  /** Where the signing keys are. Default `<endpoint>/oidc/jwks`. */
  jwksUri?: string;
  /** The API resource indicator(s) this API answers to; a token's `aud` must contain one. Required. */
  audience: string | readonly string[];
  /** Accepted signature algorithms. Default ES384, ES256, ES512, RS256, PS256. `none` and HS* are refused. */
  algorithms?: readonly string[];
  /** Seconds of clock skew allowed on `exp`, `nbf` and `iat`. Default 5. */
  clockTolerance?: number;
  /** Register the guard for every route (`APP_GUARD`). Default true; false: use `@UseGuards(LogtoAuthGuard)`. */
  global?: boolean;
  /** The `realm` of the `WWW-Authenticate` challenge. Default `api`. */
  realm?: string;
  /** Milliseconds a JWKS request may take in all before it is abandoned. Default 5000. */
  jwksTimeoutMs?: number;
  /** Milliseconds between two JWKS fetches caused by unknown key ids. Default 30000. */
  jwksCooldownMs?: number;
  /** Milliseconds a fetched key set is trusted before it is fetched again. Default 600000. */
  jwksCacheMaxAgeMs?: number;
}

/** What `forRootAsync({ useClass })` and `useExisting` classes implement. */
export interface LogtoAuthOptionsFactory {
  createLogtoAuthOptions(): LogtoAuthModuleOptions | Promise<LogtoAuthModuleOptions>;
}

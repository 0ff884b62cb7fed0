/**
 * One Logto tenant of the `tenants` option: `endpoint`, or `issuer` and `jwksUri`, like the top-level options.
 *
 * @example
 * { endpoint: 'https://eu-tenant.logto.app', audience: 'https://api.example.com' }
 */
export interface LogtoTenantOptions {
  /** The tenant's Logto endpoint: issuer `<endpoint>/oidc`, JWKS `<endpoint>/oidc/jwks`. */
  endpoint?: string;
  /** The tenant's accepted `iss` values (custom domains: list them all). Default `<endpoint>/oidc`. */
  issuer?: string | readonly string[];
  /** The tenant's signing keys. Default `<endpoint>/oidc/jwks`. */
  jwksUri?: string;
  /** The API resource indicator(s) for this tenant's tokens. Default: the top-level `audience`. */
  audience?: string | readonly string[];
}

// `nestjs-logto/testing`: a local Logto-like issuer for your tests. Loaded only when imported; it uses
// node:crypto and node:http alone, so it adds nothing to a production install.
export { startLogtoTestIssuer } from './logto-test.issuer';
export type { LogtoRefusedTestTokens, LogtoTestIssuer, LogtoTestIssuerOptions, LogtoTestModuleOptions } from './logto-test.issuer';
export type { LogtoTestTokenOptions } from './test-access-token.util';
export type { PublicSigningJwk } from './public-signing-jwk.interface';

// Compiled by `npm run typecheck` (tsc), never run: each `@ts-expect-error` fails the type check if the
// line below it compiles, so a widening of the `algorithms` type back to `string[]` breaks CI.
import { LogtoAuthModule, SUPPORTED_ALGORITHMS } from '../../lib';
import type { LogtoAuthModuleOptions, LogtoSigningAlgorithm } from '../../lib';

const base = { endpoint: 'https://my-tenant.logto.app', audience: 'https://api.example.com' } as const;

export const accepted: LogtoAuthModuleOptions[] = [
  { ...base, algorithms: ['ES384'] },
  { ...base, algorithms: ['ES384', 'RS256', 'PS512'] },
  { ...base, algorithms: SUPPORTED_ALGORITHMS },
];

export const refusedAtCompileTime: LogtoAuthModuleOptions[] = [
  // @ts-expect-error HMAC: a public key must never act as a shared secret (RFC 8725 §3.2)
  { ...base, algorithms: ['HS256'] },
  // @ts-expect-error `none` skips the signature (RFC 8725 §3.1)
  { ...base, algorithms: ['none'] },
  // @ts-expect-error not a name the module can verify
  { ...base, algorithms: ['EdDSA'] },
  // @ts-expect-error a plain string[] is not narrowed to the supported names
  { ...base, algorithms: ['ES384'] as string[] },
];

// @ts-expect-error forRoot takes the same typed option
export const module = LogtoAuthModule.forRoot({ ...base, algorithms: ['HS512'] });

export const names: readonly LogtoSigningAlgorithm[] = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];

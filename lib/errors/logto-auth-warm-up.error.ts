// Apart from logto-auth.startup.ts, so the public typings reach no injectable internals through it.

/** The start of the application could not fetch a key set and the `warmUp: 'fail'` option asked to stop. */
export class LogtoAuthWarmUpError extends Error {
  constructor(jwksUris: readonly string[]) {
    super(`LogtoAuthModule: ${warmUpFailure(jwksUris)}, or set warmUp: "warn" to start anyway.`);
    this.name = 'LogtoAuthWarmUpError';
  }
}

export function warmUpFailure(jwksUris: readonly string[]): string {
  return (
    `warm-up could not fetch the signing keys from ${jwksUris.join(', ')} (the reason is logged above). ` +
    'Check "endpoint" (or "jwksUri") and that the issuer is reachable from this host'
  );
}

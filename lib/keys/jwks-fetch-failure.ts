/**
 * A short, fixed description of why a JWKS fetch failed, for the log. Library messages are not
 * passed on: a JSON parse error quotes the start of the response body, which has no place in a log.
 */
export function describeJwksFetchFailure(error: unknown): string {
  if (error instanceof JwksFetchFailure) return error.message;
  if (error instanceof SyntaxError) return 'the response is not JSON';
  const { code, name, message } = (error ?? {}) as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return `network error ${code}`;
  // jwks-rsa reports a non-2xx answer (redirects included: they are not followed) as a JwksError.
  if (name === 'JwksError' && typeof message === 'string') return `the endpoint answered "${statusText(message)}" (not 2xx)`;
  return 'the response is not a key set';
}

// The status line's reason phrase (or jwks-rsa's "Http Error <status>"): kept short and printable.
function statusText(reason: string): string {
  return reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);
}

/** A failure the resolver itself detected; its message is one of the fixed sentences below. */
export class JwksFetchFailure extends Error {
  static timeout(ms: number) {
    return new JwksFetchFailure(`no complete answer within ${ms} ms`);
  }
  static noKeysArray() {
    return new JwksFetchFailure('the response has no "keys" array');
  }
  static noUsableKey() {
    return new JwksFetchFailure('the key set has no usable signing key');
  }
}

/**
 * A short, fixed description of why a JWKS fetch failed, for the log. Library messages are not
 * passed on: a JSON parse error quotes the start of the response body, which has no place in a log.
 */
export function describeJwksFetchFailure(error: unknown): string {
  if (error instanceof JwksFetchFailure) return error.message;
  if (error instanceof SyntaxError) return 'the response is not JSON';
  const code = systemErrorCode(error) ?? systemErrorCode((error as { cause?: unknown } | undefined)?.cause);
  if (code !== undefined) return `network error ${code}`;
  return 'the response is not a key set';
}

// Node's fetch reports a network failure as TypeError("fetch failed") with the system error as its cause.
function systemErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : undefined;
}

/** A failure the resolver itself detected; its message is one of the fixed sentences below. */
export class JwksFetchFailure extends Error {
  static timeout(ms: number) {
    return new JwksFetchFailure(`no complete answer within ${ms} ms`);
  }
  static status(status: number) {
    const redirect = status >= 300 && status < 400 ? ', a redirect, not followed' : '';
    return new JwksFetchFailure(`the endpoint answered HTTP ${status} (not 2xx${redirect})`);
  }
  static tooLarge(maxBytes: number) {
    return new JwksFetchFailure(`the response is larger than ${maxBytes} bytes`);
  }
  static noKeysArray() {
    return new JwksFetchFailure('the response has no "keys" array');
  }
}

import { describe, expect, it } from 'vitest';
import { describeJwksFetchFailure, JwksFetchFailure } from '../../../lib/keys/jwks-fetch.error';

describe('describeJwksFetchFailure', () => {
  it('never quotes a response body: a JSON parse error becomes a fixed sentence', () => {
    let parseError: unknown;
    try {
      JSON.parse('<html>{"keys":[{"n":"secret-looking-modulus"}]}</html>');
    } catch (error) {
      parseError = error;
    }
    expect((parseError as Error).message).toContain('<html>'); // what would otherwise reach the log
    expect(describeJwksFetchFailure(parseError)).toBe('the response is not JSON');
  });

  it.each([
    ['a network error code', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'network error ECONNREFUSED'],
    ['a fetch network failure (the code is on the cause)', Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } }), 'network error ECONNRESET'],
    ['a non-2xx status', JwksFetchFailure.status(503), 'the endpoint answered HTTP 503 (not 2xx)'],
    ['a redirect', JwksFetchFailure.status(302), 'the endpoint answered HTTP 302 (not 2xx, a redirect, not followed)'],
    ['an oversized body', JwksFetchFailure.tooLarge(1024), 'the response is larger than 1024 bytes'],
    ['a deadline', JwksFetchFailure.timeout(5000), 'no complete answer within 5000 ms'],
    ['a response without keys', JwksFetchFailure.noKeysArray(), 'the response has no "keys" array'],
    ['anything else', new TypeError("Cannot read properties of null (reading 'keys')"), 'the response is not a key set'],
    ['a non-error', 'boom', 'the response is not a key set'],
    ['a lower-case code (not a system error code)', { code: 'weird code' }, 'the response is not a key set'],
  ])('%s', (_, error, expected) => {
    expect(describeJwksFetchFailure(error)).toBe(expected);
  });
});

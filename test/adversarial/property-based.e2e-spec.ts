import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogtoAuthErrorCode } from '../../lib';
import { expectOutcome, accepted } from '../helpers/expect-outcome';
import { ProtectedApi, startProtectedApi } from '../helpers/protected-api';
import { b64url } from '../helpers/sign-token';
import { ADAPTERS } from '../helpers/test-app';

const RUNS = 150; // per property and adapter: enough to explore, bounded so the suite stays fast
const DOCUMENTED_CODES = new Set<string>(Object.values(LogtoAuthErrorCode));
const B64URL_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Characters an HTTP client can put in a header value (RFC 9110 §5.5 field-vchar, SP, HTAB, obs-text). */
const headerChar = fc.oneof(
  fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  fc.constantFrom('\t', '\x80', '\xe9', '\xff'),
);
const headerString = (maxLength: number) => fc.string({ unit: headerChar, maxLength });
const tokenChar = fc.oneof(fc.constantFrom(...B64URL_CHARS), fc.constantFrom('.', '=', '+', '/', '~', ' ', '!', ',', '"', '\xe9'));

type Mutation = (token: string) => string;

/** Arbitrary ways to damage a token: characters, segments, and the JSON inside them. */
function mutations(token: string): fc.Arbitrary<Mutation> {
  const index = fc.nat({ max: token.length });
  const [header, payload] = token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
  const reencode = (part: 0 | 1, value: unknown): Mutation => (t) => {
    const parts = t.split('.');
    parts[part] = b64url(JSON.stringify(value));
    return parts.join('.');
  };
  return fc.oneof(
    fc.tuple(index, tokenChar).map(([i, c]): Mutation => (t) => t.slice(0, i) + c + t.slice(i + 1)),
    fc.tuple(index, tokenChar).map(([i, c]): Mutation => (t) => t.slice(0, i) + c + t.slice(i)),
    fc.tuple(index, fc.integer({ min: 1, max: 40 })).map(([i, n]): Mutation => (t) => t.slice(0, i) + t.slice(i + n)),
    index.map((i): Mutation => (t) => t.slice(0, i)),
    fc.tuple(fc.nat({ max: 2 }), fc.nat({ max: 2 })).map(([a, b]): Mutation => (t) => {
      const parts = t.split('.');
      [parts[a], parts[b]] = [parts[b], parts[a]];
      return parts.join('.');
    }),
    fc.nat({ max: 2 }).map((i): Mutation => (t) => {
      const parts = t.split('.');
      parts.splice(i, 0, parts[i]);
      return parts.join('.');
    }),
    fc.tuple(fc.constantFrom('alg', 'typ', 'kid', 'crit', 'b64', 'jku', 'jwk', '__proto__'), fc.jsonValue()).map(([name, value]) =>
      reencode(0, { ...header, [name]: value }),
    ),
    fc.tuple(fc.constantFrom('iss', 'aud', 'exp', 'nbf', 'iat', 'sub', 'client_id', 'scope', '__proto__'), fc.jsonValue()).map(([name, value]) =>
      reencode(1, { ...payload, [name]: value }),
    ),
  );
}

/** RFC 6750 §2.1 allows several spaces after the scheme, and HTTP drops trailing whitespace. */
const sameCredentials = (sent: string, token: string) => sent.replace(/^ +/, '').replace(/[ \t]+$/, '') === token;

describe.each(ADAPTERS)('property-based: no input gets in, fails open, or breaks the app, over %s', (adapter) => {
  let app: ProtectedApi;
  let token: string;

  beforeAll(async () => {
    app = await startProtectedApi(adapter);
    token = app.token();
  });
  afterAll(() => app?.close());

  const expectRefusedOrSame = async (authorization: string, allowed: boolean) => {
    const response = await app.get('/documents', authorization);
    if (allowed && response.status === 200) return;
    // 401 only: a 403 (insufficient_scope) would mean the forgery was verified as a genuine token.
    expect(response.status).toBe(401);
    expect(DOCUMENTED_CODES).toContain(response.body.code);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="api"/);
  };

  it('arbitrary Authorization values are refused with a documented 401', async () => {
    const value = fc.oneof(headerString(200), fc.tuple(fc.constantFrom('Bearer ', 'bearer ', 'Bearer  ', 'Basic '), headerString(200)).map(([a, b]) => a + b));
    await fc.assert(
      fc.asyncProperty(value, (authorization) => expectRefusedOrSame(authorization, false)),
      { numRuns: RUNS },
    );
  });

  it('arbitrary mutations of a valid token are refused, unless they leave it as it was', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutations(token), { minLength: 1, maxLength: 3 }), async (steps) => {
        const mutated = steps.reduce((t, step) => step(t), token);
        await expectRefusedOrSame(`Bearer ${mutated}`, sameCredentials(mutated, token));
      }),
      { numRuns: RUNS },
    );
  });

  it('is still up and still verifying afterwards, and nothing unexpected was thrown inside', async () => {
    expectOutcome(await app.get('/documents', `Bearer ${token}`), accepted);
    expect(app.logger.entries.filter((entry) => entry.level === 'error')).toEqual([]);
    expect(app.logger.transcript).not.toContain(token.split('.')[2]);
  });
});

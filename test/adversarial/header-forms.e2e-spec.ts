import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accepted,
  expectOutcome,
  headerMissing,
  invalidHeaderFormat,
  invalidToken,
  Outcome,
  refusedByNode,
  ResponseLike,
  schemeNotBearer,
} from '../helpers/expect-outcome';
import { ProtectedApi, startProtectedApi } from '../helpers/protected-api';
import { rawRequest } from '../helpers/raw-http';
import { ADAPTERS } from '../helpers/test-app';

interface Case {
  readonly name: string;
  /** The Authorization header value (`token` is a valid access token), or a raw request. */
  readonly send: (app: ProtectedApi, token: string) => Promise<ResponseLike>;
  readonly outcome: Outcome;
}

const header = (value: (token: string) => string) => (app: ProtectedApi, token: string) => app.get('/documents', value(token)).then((r) => r);
const raw = (lines: (token: string) => string) => (app: ProtectedApi, token: string) =>
  rawRequest(app.port, `GET /documents HTTP/1.1\r\nHost: 127.0.0.1\r\n${lines(token)}`);

// Node's default limit for all request headers together is 16 KiB (http.maxHeaderSize).
const SIXTEEN_KIB = 16 * 1024;

const CASES: readonly Case[] = [
  { name: 'no Authorization header', send: (app) => app.get('/documents').then((r) => r), outcome: headerMissing },
  { name: 'an empty Authorization header', send: raw(() => 'Authorization: '), outcome: headerMissing },
  { name: 'Basic credentials', send: header(() => 'Basic dXNlcjpwYXNz'), outcome: schemeNotBearer },
  { name: 'another scheme carrying the token', send: header((t) => `Token ${t}`), outcome: schemeNotBearer },
  { name: 'a scheme that only starts with Bearer', send: header((t) => `Bearerx ${t}`), outcome: schemeNotBearer },
  { name: 'no space between scheme and token', send: header((t) => `Bearer${t}`), outcome: schemeNotBearer },
  { name: 'lowercase bearer (schemes are case-insensitive)', send: header((t) => `bearer ${t}`), outcome: accepted },
  { name: 'uppercase BEARER', send: header((t) => `BEARER ${t}`), outcome: accepted },
  { name: 'several spaces after the scheme', send: header((t) => `Bearer    ${t}`), outcome: accepted },
  { name: 'a tab after the scheme', send: header((t) => `Bearer\t${t}`), outcome: invalidHeaderFormat },
  { name: 'trailing junk after the token', send: header((t) => `Bearer ${t} junk`), outcome: invalidHeaderFormat },
  { name: 'a second token after a comma', send: header((t) => `Bearer ${t}, Bearer ${t}`), outcome: invalidHeaderFormat },
  { name: 'the scheme with no token', send: header(() => 'Bearer'), outcome: invalidHeaderFormat },
  { name: 'the scheme and spaces only', send: raw(() => 'Authorization: Bearer    '), outcome: invalidHeaderFormat },
  { name: 'a "!" (outside RFC 6750 §2.1)', send: header((t) => `Bearer ${t.slice(0, 20)}!${t.slice(20)}`), outcome: invalidHeaderFormat },
  { name: 'a double quote', send: header((t) => `Bearer "${t}"`), outcome: invalidHeaderFormat },
  { name: '"=" inside the token', send: header((t) => `Bearer ${t.slice(0, 20)}=${t.slice(20)}`), outcome: invalidHeaderFormat },
  { name: 'trailing "=" padding (allowed by b64token, not by JWS)', send: header((t) => `Bearer ${t}==`), outcome: invalidToken('malformed_token') },
  { name: 'a b64token that is not a JWT', send: header(() => 'Bearer abc+/~_-=='), outcome: invalidToken('opaque_token') },
  {
    name: 'non-ASCII bytes in the token',
    send: raw((t) => `Authorization: Bearer ${t.slice(0, 20)}\xc3\xa9${t.slice(20)}`),
    outcome: invalidHeaderFormat,
  },
  { name: 'a NUL byte in the header (Node refuses it)', send: raw((t) => `Authorization: Bearer ${t}\0`), outcome: refusedByNode(400) },
  {
    name: 'two Authorization headers, both valid',
    send: raw((t) => `Authorization: Bearer ${t}\r\nAuthorization: Bearer ${t}`),
    outcome: invalidHeaderFormat,
  },
  {
    name: 'two Authorization headers, the second one empty',
    send: raw((t) => `Authorization: Bearer ${t}\r\nauthorization: `),
    outcome: invalidHeaderFormat,
  },
  { name: 'an 8 KiB opaque token (under Node\'s limit)', send: header(() => `Bearer ${'a'.repeat(8 * 1024)}`), outcome: invalidToken('opaque_token') },
  {
    name: 'an 8 KiB three-part token (under Node\'s limit)',
    send: header((t) => `Bearer ${t}${'A'.repeat(8 * 1024)}`),
    outcome: invalidToken('malformed_token'),
  },
  // Node answers 431 itself, before Express or Fastify run: still a 4xx, never a 5xx.
  { name: 'a 16 KiB token (over Node\'s header limit)', send: header(() => `Bearer ${'a'.repeat(SIXTEEN_KIB)}`), outcome: refusedByNode(431) },
];

describe.each(ADAPTERS)('adversarial request header forms over %s', (adapter) => {
  let app: ProtectedApi;
  let token: string;

  beforeAll(async () => {
    app = await startProtectedApi(adapter);
    token = app.token();
  });
  afterAll(() => app?.close());

  it.each(CASES)('$name', async ({ send, outcome }) => {
    expectOutcome(await send(app, token), outcome);
  });

  it('never contacted anything but the JWKS for these headers', () => {
    expect(app.jwks.strayRequests).toEqual([]);
    expect(app.jwks.requests).toBe(0);
  });
});

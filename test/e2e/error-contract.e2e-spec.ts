import { describe, expect, it } from 'vitest';
import { challenge, DESCRIPTIONS, useProtectedApi } from '../helpers/protected-api';
import { ADAPTERS } from '../helpers/test-app';

/** One test per row of the README's error contract: status, body and WWW-Authenticate. */
describe.each(ADAPTERS)('error contract over %s', (adapter) => {
  const api = useProtectedApi(adapter);

  it('no Authorization header: 401 auth.authorization_header_missing, challenge without error (RFC 6750 §3)', async () => {
    const res = await api.get('/documents');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      code: 'auth.authorization_header_missing',
      message: 'The Authorization header is missing.',
    });
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it.each(['Basic dXNlcjpwYXNz', 'Token abc', 'Bearerabc', 'Digest x'])(
    'scheme other than Bearer (%s): 401 auth.authorization_token_type_not_supported',
    async (header) => {
      const res = await api.get('/documents', header);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('auth.authorization_token_type_not_supported');
      expect(res.body.message).toBe('The Authorization header must use the Bearer scheme.');
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    },
  );

  it.each([
    ['Bearer', 'no token'],
    ['Bearer\tabc.def.ghi', 'a tab'],
    ['Bearer abc def', 'extra parts'],
    ['Bearer abc,def', 'a character outside RFC 6750 §2.1'],
    ['Bearer "abc"', 'quotes'],
  ])('%j (%s): 401 auth.authorization_token_invalid_format, error="invalid_request"', async (header) => {
    const res = await api.get('/documents', header);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('auth.authorization_token_invalid_format');
    expect(res.headers['www-authenticate']).toBe(challenge('invalid_request', DESCRIPTIONS.invalidFormat));
  });

  it('two Authorization headers: 401 auth.authorization_token_invalid_format', async () => {
    const token = api.token();
    // An array makes Node's client send two header lines; supertest's typings allow arrays only for Cookie.
    const twoHeaders = [`Bearer ${token}`, `Bearer ${token}`] as unknown as string;
    const res = await api.get('/documents').set('Authorization', twoHeaders);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('auth.authorization_token_invalid_format');
    expect(res.headers['www-authenticate']).toBe(challenge('invalid_request', DESCRIPTIONS.invalidFormat));
  });

  it('a token that fails verification: 401 invalid_token', async () => {
    const res = await api.get('/documents', `Bearer ${api.token({ claims: { exp: 1_000_000 } })}`);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', code: 'invalid_token', message: DESCRIPTIONS.expired });
    expect(res.headers['www-authenticate']).toBe(challenge('invalid_token', DESCRIPTIONS.expired));
  });

  it('a valid token without the required scope: 403 insufficient_scope naming every required scope', async () => {
    const res = await api.post('/documents', `Bearer ${api.token({ claims: { scope: 'read:documents' } })}`);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      code: 'insufficient_scope',
      message: DESCRIPTIONS.insufficientScope,
    });
    expect(res.headers['www-authenticate']).toBe(
      `${challenge('insufficient_scope', DESCRIPTIONS.insufficientScope)}, scope="read:documents write:documents"`,
    );
  });

  it.each(['bearer', 'BEARER', 'BeArEr'])('the scheme is case-insensitive (%s), RFC 9110 §11.1', async (scheme) => {
    const res = await api.get('/documents', `${scheme} ${api.token()}`);
    expect(res.status).toBe(200);
  });

  it('one or more spaces may follow the scheme', async () => {
    const res = await api.get('/documents', `Bearer    ${api.token()}`);
    expect(res.status).toBe(200);
  });

  it('an empty Authorization header counts as missing (as in Logto)', async () => {
    const res = await api.get('/documents', '');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('auth.authorization_header_missing');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
  });
});

describe.each(ADAPTERS)('custom realm over %s', (adapter) => {
  const api = useProtectedApi(adapter, { realm: 'documents-api' });

  it('appears in every challenge', async () => {
    expect((await api.get('/documents')).headers['www-authenticate']).toBe('Bearer realm="documents-api"');
    const res = await api.get('/documents', 'Bearer x.y');
    expect(res.headers['www-authenticate']).toBe(challenge('invalid_token', DESCRIPTIONS.malformed, 'documents-api'));
  });
});

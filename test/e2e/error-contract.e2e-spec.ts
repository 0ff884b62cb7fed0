import { Controller, Get } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { AnyScope, Scopes } from '../../lib';
import { DocumentsController } from '../helpers/documents.controller';
import { challenge, DESCRIPTIONS, useProtectedApi } from '../helpers/protected-api';
import { ADAPTERS } from '../helpers/test-app';

/** Each kind of scope requirement, for the RFC 6750 §3 `scope` attribute of the 403 challenge. */
@Controller('requirements')
class RequirementsController {
  @Get('any')
  @AnyScope('search:all', 'search:own')
  any() {
    return { ok: true };
  }

  @Get('two-groups')
  @Scopes('read:documents')
  @AnyScope('search:all', 'search:own')
  @AnyScope('export:csv', 'export:pdf')
  twoGroups() {
    return { ok: true };
  }

  @Get('one-scope-group')
  @Scopes('read:documents')
  @AnyScope('audit:read')
  oneScopeGroup() {
    return { ok: true };
  }

  @Get('group-met-by-required')
  @Scopes('search:all')
  @AnyScope('search:all', 'search:own')
  groupMetByRequired() {
    return { ok: true };
  }
}

/** One test per row of the README's error contract: status, body and WWW-Authenticate. */
describe.each(ADAPTERS)('error contract over %s', (adapter) => {
  const api = useProtectedApi(adapter, {}, { controllers: [DocumentsController, RequirementsController] });

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

  describe('the 403 challenge never reads "all of" for alternatives (RFC 6750 §3 scope)', () => {
    const base = DESCRIPTIONS.insufficientScope;
    async function expectInsufficientScope(path: string, granted: string, description: string, scope: string | undefined) {
      const res = await api.get(path, `Bearer ${api.token({ claims: { scope: granted } })}`);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ statusCode: 403, error: 'Forbidden', code: 'insufficient_scope', message: description });
      const scopeParam = scope === undefined ? '' : `, scope="${scope}"`;
      expect(res.headers['www-authenticate']).toBe(`${challenge('insufficient_scope', description)}${scopeParam}`);
    }

    it('@Scopes only: scope holds every required scope, the sentence is the plain one', async () => {
      await expectInsufficientScope('/documents', 'write:documents', base, 'read:documents');
    });

    it('@AnyScope only: no scope attribute (no single scope is required); the alternatives are in the sentence', async () => {
      await expectInsufficientScope('/requirements/any', 'read:documents', `${base} It needs one of: search:all, search:own.`, undefined);
    });

    it('@Scopes and @AnyScope: scope holds the required ones, the sentence adds the alternatives', async () => {
      const description = `${base} Besides the scopes in scope, it needs one of: search:all, search:own.`;
      await expectInsufficientScope('/documents/search', 'read:documents', description, 'read:documents');
      // the whole requirement, even when a part of it is granted: a new token asked for with only the
      // missing scopes would lose the others
      await expectInsufficientScope('/documents/search', 'search:own', description, 'read:documents');
    });

    it('two @AnyScope groups: each is its own "one of"', async () => {
      const description = `${base} Besides the scopes in scope, it needs one of: search:all, search:own; and one of: export:csv, export:pdf.`;
      await expectInsufficientScope('/requirements/two-groups', 'read:documents search:own', description, 'read:documents');
    });

    it('an @AnyScope of one scope is a required scope, and a group met by a required scope adds nothing', async () => {
      await expectInsufficientScope('/requirements/one-scope-group', 'read:documents', base, 'read:documents audit:read');
      await expectInsufficientScope('/requirements/group-met-by-required', 'search:own', base, 'search:all');
    });
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

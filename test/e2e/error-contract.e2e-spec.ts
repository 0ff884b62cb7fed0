import { Controller, Get } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { AnyScope, LogtoAuthException, Scopes } from '../../lib';
import { LOGTO_AUTH_FAILURES, LogtoAuthFailure } from '../../lib/errors/logto-auth.failures';
import { challengeHeaders } from '../../lib/errors/www-authenticate.header';
import { DocumentsController } from '../helpers/documents.controller';
import { useProtectedApi } from '../helpers/protected-api';
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
  const api = useProtectedApi(adapter, { controllers: [DocumentsController, RequirementsController] });

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
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_request", error_description="The Authorization header must be the word Bearer, spaces and one token (RFC 6750 section 2.1)."',
    );
  });

  it('two Authorization headers: 401 auth.authorization_token_invalid_format', async () => {
    const token = api.token();
    // An array makes Node's client send two header lines; supertest's typings allow arrays only for Cookie.
    const twoHeaders = [`Bearer ${token}`, `Bearer ${token}`] as unknown as string;
    const res = await api.get('/documents').set('Authorization', twoHeaders);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('auth.authorization_token_invalid_format');
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_request", error_description="The Authorization header must be the word Bearer, spaces and one token (RFC 6750 section 2.1)."',
    );
  });

  it('a token that fails verification: 401 invalid_token', async () => {
    const res = await api.get('/documents', `Bearer ${api.token({ claims: { exp: 1_000_000 } })}`);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', code: 'invalid_token', message: 'The access token has expired.' });
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api", error="invalid_token", error_description="The access token has expired."');
  });

  it('a valid token without the required scope: 403 insufficient_scope naming every required scope', async () => {
    const res = await api.post('/documents', `Bearer ${api.token({ claims: { scope: 'read:documents' } })}`);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      code: 'insufficient_scope',
      message: 'The access token lacks a scope this resource requires.',
    });
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a scope this resource requires.", scope="read:documents write:documents"',
    );
  });

  describe('the 403 challenge never reads "all of" for alternatives (RFC 6750 §3 scope)', () => {
    const base = 'The access token lacks a scope this resource requires.';
    async function expectInsufficientScope(path: string, granted: string, description: string, scope: string | undefined) {
      const res = await api.get(path, `Bearer ${api.token({ claims: { scope: granted } })}`);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ statusCode: 403, error: 'Forbidden', code: 'insufficient_scope', message: description });
      const scopeParam = scope === undefined ? '' : `, scope="${scope}"`;
      expect(res.headers['www-authenticate']).toBe(`Bearer realm="api", error="insufficient_scope", error_description="${description}"${scopeParam}`);
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
  const api = useProtectedApi(adapter, { options: { realm: 'documents-api' } });

  it('appears in every challenge', async () => {
    expect((await api.get('/documents')).headers['www-authenticate']).toBe('Bearer realm="documents-api"');
    const res = await api.get('/documents', 'Bearer x.y');
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="documents-api", error="invalid_token", error_description="The access token is not a well-formed signed JWT."',
    );
  });
});

/**
 * Every row of the failure table, written out: the code strings and the challenge a client sees. The
 * other specs assert refusals through test/helpers/expect-outcome.ts, which takes the sentence from the
 * table; this is where a wrong sentence, code, status or Bearer error in the table is caught.
 */
describe('the failure table, written out', () => {
  const invalidToken = (description: string) =>
    [401, 'invalid_token', description, `Bearer realm="api", error="invalid_token", error_description="${description}"`] as const;
  const forbidden = (code: string, description: string) =>
    [403, code, description, `Bearer realm="api", error="insufficient_scope", error_description="${description}"`] as const;
  const CONTRACT: Record<LogtoAuthFailure, readonly [number, string, string, string | undefined]> = {
    header_missing: [401, 'auth.authorization_header_missing', 'The Authorization header is missing.', 'Bearer realm="api"'],
    scheme_not_bearer: [401, 'auth.authorization_token_type_not_supported', 'The Authorization header must use the Bearer scheme.', 'Bearer realm="api"'],
    invalid_header_format: [
      401,
      'auth.authorization_token_invalid_format',
      'The Authorization header must be the word Bearer, spaces and one token (RFC 6750 section 2.1).',
      'Bearer realm="api", error="invalid_request", error_description="The Authorization header must be the word Bearer, spaces and one token (RFC 6750 section 2.1)."',
    ],
    opaque_token: invalidToken('The access token is opaque, not a JWT: request it with the resource parameter set to this API resource indicator.'),
    encrypted_token: invalidToken('Encrypted (JWE) access tokens are not supported.'),
    malformed_token: invalidToken('The access token is not a well-formed signed JWT.'),
    algorithm_not_allowed: invalidToken('The access token is signed with an algorithm this API does not accept.'),
    wrong_token_type: invalidToken('The token is not an access token (the typ header must be at+jwt).'),
    unsupported_critical_header: invalidToken('The access token has header parameters this API does not understand.'),
    wrong_issuer: invalidToken('The access token was issued by an issuer this API does not trust.'),
    wrong_audience: invalidToken('The access token was not issued for this API.'),
    expired: invalidToken('The access token has expired.'),
    not_yet_valid: invalidToken('The access token is not valid yet.'),
    issued_in_future: invalidToken('The access token was issued in the future.'),
    invalid_claims: invalidToken('The access token lacks a required claim or has a claim of the wrong type.'),
    iat_missing: invalidToken('The access token has no iat (issued at) claim.'),
    jti_missing: invalidToken('The access token has no jti (JWT ID) claim.'),
    jti_invalid: invalidToken('The access token jti (JWT ID) claim must be a non-empty string.'),
    unknown_key: invalidToken('The access token is signed with a key this API does not know.'),
    bad_signature: invalidToken('The access token signature is invalid.'),
    insufficient_scope: forbidden('insufficient_scope', 'The access token lacks a scope this resource requires.'),
    organization_required: forbidden('auth.organization_required', 'This resource requires a token for an organization.'),
    organization_mismatch: forbidden('auth.organization_mismatch', 'The access token is for another organization than the one this request is about.'),
    organization_token_not_accepted: forbidden('auth.organization_token_not_accepted', 'Organization tokens are accepted only on organization resources.'),
    validation_failed: forbidden('auth.validation_failed', 'The access token was refused by a rule of this API.'),
    validation_timeout: [503, 'auth.validation_timeout', 'The access rule of this API did not answer in time; try again later.', undefined],
    jwks_unavailable: [503, 'auth.jwks_unavailable', 'The signing keys could not be retrieved; try again later.', undefined],
    execution_context_not_supported: [
      403,
      'auth.execution_context_not_supported',
      'LogtoAuthGuard authenticates HTTP, GraphQL (subscriptions over graphql-ws), Socket.IO and ws gateway requests only; add another context type with LogtoAuthContexts.use(), or mark this handler @Public() to serve it.',
      'Bearer realm="api"',
    ],
    graphql_subscription_not_supported: [
      403,
      'auth.execution_context_not_supported',
      'LogtoAuthGuard authenticates GraphQL subscriptions only over a graphql-ws connection it verified as it opened; mark the subscription @Public() to serve it.',
      'Bearer realm="api"',
    ],
  };
  const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 503: 'Service Unavailable' };

  it('names every row of the table', () => {
    expect(Object.keys(CONTRACT).sort()).toEqual(Object.keys(LOGTO_AUTH_FAILURES).sort());
  });

  it.each(Object.entries(CONTRACT))('%s: status, code, sentence and challenge', (reason, [status, code, description, challenge]) => {
    const exception = new LogtoAuthException(reason as LogtoAuthFailure);
    expect(exception.getStatus()).toBe(status);
    expect(exception.getResponse()).toEqual({ statusCode: status, error: STATUS_TEXT[status], code, message: description });
    expect(challengeHeaders(exception, 'api')['WWW-Authenticate']).toBe(challenge);
  });
});

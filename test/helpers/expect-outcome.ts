import { expect } from 'vitest';
import { LOGTO_AUTH_FAILURES, LogtoAuthFailure } from '../../lib/errors/logto-auth.failures';

/**
 * What a request must end with. A refusal names its status and `code` literally, and the failure-table
 * row it comes from; the row gives only the sentence (`message` and `error_description`), so a row with
 * a wrong status, code or Bearer error is still caught here. The sentences themselves are written out in
 * test/e2e/error-contract.e2e-spec.ts.
 */
export type Outcome =
  | { readonly kind: 'accepted' }
  | {
      readonly kind: 'refused';
      readonly status: number;
      readonly code: string;
      readonly reason: LogtoAuthFailure;
      /** The RFC 6750 §3 `scope` attribute of a 403 challenge, when the route requires scopes each on their own. */
      readonly scope?: string;
      /** What the sentence adds after the row's description (the `@AnyScope` alternatives). */
      readonly descriptionSuffix?: string;
    }
  /** Refused by Node's HTTP parser before the app sees the request: no body `code`, no challenge. */
  | { readonly kind: 'refused-by-node'; readonly status: number };

export const accepted: Outcome = { kind: 'accepted' };
export const headerMissing: Outcome = refused(401, 'auth.authorization_header_missing', 'header_missing');
export const schemeNotBearer: Outcome = refused(401, 'auth.authorization_token_type_not_supported', 'scheme_not_bearer');
export const invalidHeaderFormat: Outcome = refused(401, 'auth.authorization_token_invalid_format', 'invalid_header_format');
export const invalidToken = (reason: LogtoAuthFailure): Outcome => refused(401, 'invalid_token', reason);
/** 403 `insufficient_scope`; `scope` is the challenge's scope attribute, `alternatives` what the sentence adds. */
export const insufficientScope = (scope?: string, alternatives = ''): Outcome => ({
  kind: 'refused',
  status: 403,
  code: 'insufficient_scope',
  reason: 'insufficient_scope',
  scope,
  descriptionSuffix: alternatives,
});
/** A 403 other than `insufficient_scope` (organization rules, validators). */
export const forbidden = (code: string, reason: LogtoAuthFailure): Outcome => refused(403, code, reason);
export const jwksUnavailable: Outcome = refused(503, 'auth.jwks_unavailable', 'jwks_unavailable');
export const validationTimeout: Outcome = refused(503, 'auth.validation_timeout', 'validation_timeout');
export const refusedByNode = (status: number): Outcome => ({ kind: 'refused-by-node', status });

export function refused(status: number, code: string, reason: LogtoAuthFailure): Outcome {
  return { kind: 'refused', status, code, reason };
}

/** The response, from supertest or from a raw socket. */
export interface ResponseLike {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body?: unknown;
  readonly text?: string;
}

const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 503: 'Service Unavailable' };

/**
 * Asserts status, body `code` (and the whole body) and `WWW-Authenticate`, written out the way
 * RFC 6750 §3 and the error contract say they must look.
 */
export function expectOutcome(response: ResponseLike, outcome: Outcome, realm = 'api'): void {
  const challenge = response.headers['www-authenticate'];
  if (outcome.kind === 'accepted') {
    expect(response.status).toBe(200);
    expect(challenge).toBeUndefined();
    expect(bodyOf(response)).not.toHaveProperty('code');
    return;
  }
  if (outcome.kind === 'refused-by-node') {
    expect(response.status).toBe(outcome.status);
    expect(challenge).toBeUndefined();
    expect(bodyOf(response)).not.toHaveProperty('code');
    return;
  }
  const description = descriptionOf(outcome);
  expect(response.status).toBe(outcome.status);
  expect(bodyOf(response)).toEqual({
    statusCode: outcome.status,
    error: STATUS_TEXT[outcome.status],
    code: outcome.code,
    message: description,
  });
  expect(challenge).toBe(expectedChallenge(outcome, realm));
  if (outcome.status === 503) expect(response.headers['retry-after']).toMatch(/^[1-9][0-9]*$/);
  else expect(response.headers['retry-after']).toBeUndefined();
}

/** The `WWW-Authenticate` value a refusal must carry (undefined for 503 and for an accepted request). */
export function expectedChallenge(outcome: Outcome, realm = 'api'): string | undefined {
  if (outcome.kind !== 'refused') return undefined;
  const withError = (error: string) => `Bearer realm="${realm}", error="${error}", error_description="${descriptionOf(outcome)}"`;
  switch (outcome.code) {
    case 'auth.authorization_header_missing':
    case 'auth.authorization_token_type_not_supported':
    case 'auth.execution_context_not_supported':
      return `Bearer realm="${realm}"`; // RFC 6750 §3.1: no error code when no bearer token was sent
    case 'auth.authorization_token_invalid_format':
      return withError('invalid_request');
    case 'invalid_token':
      return withError('invalid_token');
    default:
      // RFC 6750 §3.1: a valid token that may not do this; 503: no challenge that would make a client drop it
      if (outcome.status !== 403) return undefined;
      return `${withError('insufficient_scope')}${outcome.scope === undefined ? '' : `, scope="${outcome.scope}"`}`;
  }
}

function descriptionOf(outcome: Extract<Outcome, { kind: 'refused' }>): string {
  return `${LOGTO_AUTH_FAILURES[outcome.reason].description}${outcome.descriptionSuffix ?? ''}`;
}

function bodyOf(response: ResponseLike): unknown {
  if (response.body !== undefined && typeof response.body === 'object' && response.body !== null) {
    if (Object.keys(response.body).length > 0 || !response.text) return response.body;
  }
  const text = response.text ?? (typeof response.body === 'string' ? response.body : '');
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

import { expect } from 'vitest';
import { LOGTO_AUTH_FAILURES, LogtoAuthFailure } from '../../lib/errors/logto-auth.failures';

/** What a request must end with; every refusal names status, `code` and the failure row it comes from. */
export type Outcome =
  | { readonly kind: 'accepted' }
  | { readonly kind: 'refused'; readonly status: number; readonly code: string; readonly reason: LogtoAuthFailure }
  /** Refused by Node's HTTP parser before the app sees the request: no body `code`, no challenge. */
  | { readonly kind: 'refused-by-node'; readonly status: number };

export const accepted: Outcome = { kind: 'accepted' };
export const headerMissing: Outcome = refused(401, 'auth.authorization_header_missing', 'header_missing');
export const schemeNotBearer: Outcome = refused(401, 'auth.authorization_token_type_not_supported', 'scheme_not_bearer');
export const invalidHeaderFormat: Outcome = refused(401, 'auth.authorization_token_invalid_format', 'invalid_header_format');
export const invalidToken = (reason: LogtoAuthFailure): Outcome => refused(401, 'invalid_token', reason);
export const jwksUnavailable: Outcome = refused(503, 'auth.jwks_unavailable', 'jwks_unavailable');
export const validationTimeout: Outcome = refused(503, 'auth.validation_timeout', 'validation_timeout');
export const refusedByNode = (status: number): Outcome => ({ kind: 'refused-by-node', status });

function refused(status: number, code: string, reason: LogtoAuthFailure): Outcome {
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
  const description = LOGTO_AUTH_FAILURES[outcome.reason].description;
  expect(response.status).toBe(outcome.status);
  expect(bodyOf(response)).toEqual({
    statusCode: outcome.status,
    error: STATUS_TEXT[outcome.status],
    code: outcome.code,
    message: description,
  });
  expect(challenge).toBe(expectedChallenge(outcome.code, description, realm));
  if (outcome.status === 503) expect(response.headers['retry-after']).toMatch(/^[1-9][0-9]*$/);
  else expect(response.headers['retry-after']).toBeUndefined();
}

function expectedChallenge(code: string, description: string, realm: string): string | undefined {
  switch (code) {
    case 'auth.authorization_header_missing':
    case 'auth.authorization_token_type_not_supported':
      return `Bearer realm="${realm}"`; // RFC 6750 §3.1: no error code when no bearer token was sent
    case 'auth.authorization_token_invalid_format':
      return `Bearer realm="${realm}", error="invalid_request", error_description="${description}"`;
    case 'invalid_token':
      return `Bearer realm="${realm}", error="invalid_token", error_description="${description}"`;
    default:
      return undefined; // 503: the token may be fine; no challenge that would make a client drop it
  }
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

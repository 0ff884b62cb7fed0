import { expect } from 'vitest';
import { Response } from 'supertest';
import { LOGTO_AUTH_FAILURES, LogtoAuthFailure } from '../../lib/errors/logto-auth.failures';

const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden' };

/**
 * Asserts a refusal: the literal status and code the client sees, plus the sentence and Bearer
 * challenge of the failure table row `reason` (RFC 6750 §3).
 */
export function expectRefusal(res: Response, status: 401 | 403, code: string, reason: LogtoAuthFailure): void {
  const { description } = LOGTO_AUTH_FAILURES[reason];
  const bearerError = status === 403 ? 'insufficient_scope' : 'invalid_token';
  expect({ status: res.status, body: res.body }).toEqual({
    status,
    body: { statusCode: status, error: STATUS_TEXT[status], code, message: description },
  });
  expect(res.headers['www-authenticate']).toBe(
    `Bearer realm="api", error="${bearerError}", error_description="${description}"`,
  );
}

import { HttpException, HttpStatus } from '@nestjs/common';
import { LOGTO_AUTH_FAILURES, LogtoAuthFailure, LogtoAuthFailureRule } from './logto-auth-failures';

const STATUS_TEXT: Partial<Record<HttpStatus, string>> = {
  [HttpStatus.UNAUTHORIZED]: 'Unauthorized',
  [HttpStatus.FORBIDDEN]: 'Forbidden',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'Service Unavailable',
};

export interface LogtoAuthExceptionDetails {
  /** For `insufficient_scope`: every scope the route requires (RFC 6750 §3 `scope` attribute). */
  readonly requiredScopes?: readonly string[];
  /** For `jwks_unavailable`: seconds until a retry can succeed (RFC 9110 §10.2.3 `Retry-After`). */
  readonly retryAfterSeconds?: number;
  /** For the server's debug log only (never in the response): e.g. the token's `iss` and the trusted issuers. */
  readonly logDetail?: string;
}

/**
 * Thrown for every refused request. The body is Nest's shape plus `code`:
 * `{ statusCode, error, code, message }`; the guard adds the `WWW-Authenticate` header.
 *
 * @example
 * if (error instanceof LogtoAuthException && error.code === LogtoAuthErrorCode.InsufficientScope) { ... }
 */
export class LogtoAuthException extends HttpException {
  readonly rule: LogtoAuthFailureRule;

  constructor(
    readonly reason: LogtoAuthFailure,
    readonly details: LogtoAuthExceptionDetails = {},
  ) {
    const rule = LOGTO_AUTH_FAILURES[reason];
    super(
      { statusCode: rule.status, error: STATUS_TEXT[rule.status], code: rule.code, message: rule.description },
      rule.status,
    );
    this.rule = rule;
  }

  get code() {
    return this.rule.code;
  }
}

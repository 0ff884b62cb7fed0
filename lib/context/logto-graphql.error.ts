import { HttpStatus, IntrinsicException } from '@nestjs/common';
import { LogtoAuthErrorCode } from '../errors/logto-auth.error-codes';
import { LogtoAuthException } from '../errors/logto-auth.exception';
import { challengeHeaders } from '../errors/www-authenticate.header';
import { refusalPayload } from './refusal.payload';

const GRAPHQL_CODES: Partial<Record<HttpStatus, string>> = {
  [HttpStatus.UNAUTHORIZED]: 'UNAUTHENTICATED',
  [HttpStatus.FORBIDDEN]: 'FORBIDDEN',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'SERVICE_UNAVAILABLE',
};

/** The `extensions` of a refused resolver's GraphQL error. */
export interface LogtoGraphQLErrorExtensions {
  /** `UNAUTHENTICATED` (401 over HTTP), `FORBIDDEN` (403) or `SERVICE_UNAVAILABLE` (503). */
  readonly code: string;
  /** The module's own code, the `code` of the HTTP error body, e.g. `invalid_token`. */
  readonly logtoCode: LogtoAuthErrorCode;
  readonly requiredScopes?: readonly string[];
  readonly scopeAlternatives?: readonly (readonly string[])[];
  readonly retryAfterSeconds?: number;
  /** Read and removed by Apollo Server: the challenge headers go on the HTTP response. */
  readonly http?: { readonly headers: Map<string, string> };
}

/**
 * What a resolver refused by `LogtoAuthGuard` throws. It is not an `HttpException`, so no driver turns
 * it into `INTERNAL_SERVER_ERROR`; graphql-js copies `extensions` into the GraphQL error it reports.
 * It extends Nest's `IntrinsicException` (`@nestjs/common` 11.0+, the peer range), which Nest's exception
 * handler does not log: a refusal is the API working, and callers without a token must not be able to
 * flood the error log.
 * Needs no import of `graphql`, which stays an optional peer dependency.
 *
 * @example
 * // { "message": "The access token has expired.", "extensions": { "code": "UNAUTHENTICATED", "logtoCode": "invalid_token" } }
 */
export class LogtoGraphQLError extends IntrinsicException {
  override readonly name = 'LogtoGraphQLError';
  readonly extensions: LogtoGraphQLErrorExtensions;

  constructor(readonly exception: LogtoAuthException, realm: string) {
    const { code, message, ...details } = refusalPayload(exception);
    super(message);
    this.extensions = {
      code: GRAPHQL_CODES[exception.rule.status] ?? 'FORBIDDEN',
      logtoCode: code,
      ...details,
      http: { headers: new Map(Object.entries(challengeHeaders(exception, realm))) },
    };
    // A refusal is not a fault: servers that report stack traces (Apollo outside production) would
    // otherwise show the guard's file paths to any caller without a token.
    this.stack = `${this.name}: ${this.message}`;
  }
}

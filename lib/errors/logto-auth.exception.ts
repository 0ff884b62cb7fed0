import { HttpException, HttpStatus, Logger } from '@nestjs/common';
import { LOGTO_AUTH_FAILURES, LogtoAuthFailure, LogtoAuthFailureRule } from './logto-auth.failures';

const STATUS_TEXT: Partial<Record<HttpStatus, string>> = {
  [HttpStatus.UNAUTHORIZED]: 'Unauthorized',
  [HttpStatus.FORBIDDEN]: 'Forbidden',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'Service Unavailable',
};

export interface LogtoAuthExceptionDetails {
  /**
   * For `insufficient_scope`: the scopes the route requires, each one of them (RFC 6750 §3 `scope`
   * attribute); never a scope that is only one alternative among several.
   */
  readonly requiredScopes?: readonly string[];
  /** For `insufficient_scope`: each `@AnyScope()` group of which one scope is required besides those. */
  readonly scopeAlternatives?: readonly (readonly string[])[];
  /** For 503 refusals: seconds until a retry can succeed (RFC 9110 §10.2.3 `Retry-After`). */
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
    const description = describe(rule, details);
    super({ statusCode: rule.status, error: STATUS_TEXT[rule.status], code: rule.code, message: description }, rule.status);
    this.rule = rule;
    this.description = description;
  }

  /** What the client is told: the table's sentence, plus the scope alternatives on `insufficient_scope`. */
  readonly description: string;

  get code() {
    return this.rule.code;
  }
}

/**
 * RFC 6750 §3 has no syntax for "one of", so alternatives go into the sentence (the body `message` and
 * `error_description` alike). Scope tokens are validated at decoration time (RFC 6749 §3.3: no quote,
 * backslash or space), and the words around them are fixed, so the result stays a valid quoted string.
 */
function describe({ description }: LogtoAuthFailureRule, { requiredScopes, scopeAlternatives }: LogtoAuthExceptionDetails): string {
  if (!scopeAlternatives?.length) return description;
  const groups = scopeAlternatives.map((group) => group.join(', ')).join('; and one of: ');
  return `${description} ${requiredScopes?.length ? 'Besides the scopes in scope, it' : 'It'} needs one of: ${groups}.`;
}

/**
 * Fail closed: a fault in verification (not a `LogtoAuthException`) refuses the request as a malformed
 * token; it never lets it through or becomes a 500. The fault is logged by its name only.
 */
export function refusalOf(error: unknown, logger: Logger): LogtoAuthException {
  if (error instanceof LogtoAuthException) return error;
  logger.error(`unexpected ${error instanceof Error ? error.name : typeof error} while verifying a token`);
  return new LogtoAuthException('malformed_token');
}

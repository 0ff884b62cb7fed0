import { LogtoAuthErrorCode } from '../errors/logto-auth-error-codes';
import { LogtoAuthException } from '../errors/logto-auth.exception';

/** What a non-HTTP client is told about a refusal: the same code and fixed sentence as the HTTP body. */
export interface LogtoRefusalPayload {
  readonly code: LogtoAuthErrorCode;
  readonly message: string;
  /** On `insufficient_scope`: every scope the handler requires. */
  readonly requiredScopes?: readonly string[];
  /** On `auth.jwks_unavailable`: seconds until a retry can succeed. */
  readonly retryAfterSeconds?: number;
}

export function refusalPayload({ rule, details }: LogtoAuthException): LogtoRefusalPayload {
  return {
    code: rule.code,
    message: rule.description,
    ...(details.requiredScopes?.length ? { requiredScopes: details.requiredScopes } : {}),
    ...(details.retryAfterSeconds !== undefined ? { retryAfterSeconds: details.retryAfterSeconds } : {}),
  };
}

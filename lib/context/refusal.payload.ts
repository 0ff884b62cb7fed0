import { LogtoAuthErrorCode } from '../errors/logto-auth.error-codes';
import { LogtoAuthException } from '../errors/logto-auth.exception';

/** What a non-HTTP client is told about a refusal: the same code and fixed sentence as the HTTP body. */
export interface LogtoRefusalPayload {
  readonly code: LogtoAuthErrorCode;
  readonly message: string;
  /** On `insufficient_scope`: every scope the handler requires on its own. */
  readonly requiredScopes?: readonly string[];
  /** On `insufficient_scope`: each `@AnyScope()` group of which one scope is required besides those. */
  readonly scopeAlternatives?: readonly (readonly string[])[];
  /** On `auth.jwks_unavailable`: seconds until a retry can succeed. */
  readonly retryAfterSeconds?: number;
}

export function refusalPayload({ rule, details, description }: LogtoAuthException): LogtoRefusalPayload {
  return {
    code: rule.code,
    message: description,
    ...(details.requiredScopes?.length ? { requiredScopes: details.requiredScopes } : {}),
    ...(details.scopeAlternatives?.length ? { scopeAlternatives: details.scopeAlternatives } : {}),
    ...(details.retryAfterSeconds !== undefined ? { retryAfterSeconds: details.retryAfterSeconds } : {}),
  };
}

/**
 * The `code` field of every error body. The first five are Logto's own contract
 * (https://docs.logto.io, "Protect your API"); keep them byte for byte.
 */
export const LogtoAuthErrorCode = {
  AuthorizationHeaderMissing: 'auth.authorization_header_missing',
  AuthorizationTokenTypeNotSupported: 'auth.authorization_token_type_not_supported',
  AuthorizationTokenInvalidFormat: 'auth.authorization_token_invalid_format',
  InvalidToken: 'invalid_token',
  InsufficientScope: 'insufficient_scope',
  JwksUnavailable: 'auth.jwks_unavailable',
  ExecutionContextNotSupported: 'auth.execution_context_not_supported',
  OrganizationRequired: 'auth.organization_required',
  OrganizationMismatch: 'auth.organization_mismatch',
  OrganizationTokenNotAccepted: 'auth.organization_token_not_accepted',
  ValidationFailed: 'auth.validation_failed',
  ValidationTimeout: 'auth.validation_timeout',
} as const;

export type LogtoAuthErrorCode = (typeof LogtoAuthErrorCode)[keyof typeof LogtoAuthErrorCode];

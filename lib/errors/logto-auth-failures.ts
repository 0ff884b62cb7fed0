import { HttpStatus } from '@nestjs/common';
import { LogtoAuthErrorCode } from './logto-auth-error-codes';

/** The RFC 6750 §3.1 error codes a Bearer challenge may carry. */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

export interface LogtoAuthFailureRule {
  readonly status: HttpStatus;
  readonly code: LogtoAuthErrorCode;
  /** Absent when the request carried no bearer credentials at all (RFC 6750 §3: no error code then). */
  readonly bearerError?: BearerErrorCode;
  /** A fixed sentence: never the token, never an expected issuer or audience, never a library's text. */
  readonly description: string;
}

const C = LogtoAuthErrorCode;
const unauthorized = (code: LogtoAuthErrorCode, bearerError: BearerErrorCode | undefined, description: string) =>
  ({ status: HttpStatus.UNAUTHORIZED, code, bearerError, description }) as const;
const invalidToken = (description: string) => unauthorized(C.InvalidToken, 'invalid_token', description);
// RFC 6750 §3.1: insufficient_scope is the error code for a valid token that may not do this (403).
const forbidden = (code: LogtoAuthErrorCode, description: string) =>
  ({ status: HttpStatus.FORBIDDEN, code, bearerError: 'insufficient_scope', description }) as const;

/** Every way a request can be refused, and exactly what the client is told. */
export const LOGTO_AUTH_FAILURES = {
  header_missing: unauthorized(C.AuthorizationHeaderMissing, undefined, 'The Authorization header is missing.'),
  scheme_not_bearer: unauthorized(
    C.AuthorizationTokenTypeNotSupported,
    undefined,
    'The Authorization header must use the Bearer scheme.',
  ),
  invalid_header_format: unauthorized(
    C.AuthorizationTokenInvalidFormat,
    'invalid_request',
    'The Authorization header must be the word Bearer, spaces and one token (RFC 6750 section 2.1).',
  ),
  opaque_token: invalidToken(
    'The access token is opaque, not a JWT: request it with the resource parameter set to this API resource indicator.',
  ),
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
  // RFC 9068 §2.2 requires iat and jti; own rows so the debug log says which one was missing.
  iat_missing: invalidToken('The access token has no iat (issued at) claim.'),
  jti_missing: invalidToken('The access token has no jti (JWT ID) claim.'),
  jti_invalid: invalidToken('The access token jti (JWT ID) claim must be a non-empty string.'),
  unknown_key: invalidToken('The access token is signed with a key this API does not know.'),
  bad_signature: invalidToken('The access token signature is invalid.'),
  insufficient_scope: {
    status: HttpStatus.FORBIDDEN,
    code: C.InsufficientScope,
    bearerError: 'insufficient_scope',
    description: 'The access token lacks a scope this resource requires.',
  },
  organization_required: forbidden(C.OrganizationRequired, 'This resource requires a token for an organization.'),
  organization_mismatch: forbidden(
    C.OrganizationMismatch,
    'The access token is for another organization than the one this request is about.',
  ),
  organization_token_not_accepted: forbidden(
    C.OrganizationTokenNotAccepted,
    'Organization tokens are accepted only on organization resources.',
  ),
  validation_failed: forbidden(C.ValidationFailed, 'The access token was refused by a rule of this API.'),
  // RFC 9110 §15.6.4: the token passed and the rule (often a database) could not decide in time. Not 403,
  // which is a verdict a client acts on; not 401, which makes it drop a good token. Fail closed, retry later.
  validation_timeout: {
    status: HttpStatus.SERVICE_UNAVAILABLE,
    code: C.ValidationTimeout,
    description: 'The access rule of this API did not answer in time; try again later.',
  },
  jwks_unavailable: {
    status: HttpStatus.SERVICE_UNAVAILABLE,
    code: C.JwksUnavailable,
    description: 'The signing keys could not be retrieved; try again later.',
  },
  execution_context_not_supported: {
    status: HttpStatus.FORBIDDEN,
    code: C.ExecutionContextNotSupported,
    description:
      'LogtoAuthGuard authenticates HTTP, GraphQL (subscriptions over graphql-ws), Socket.IO and ws gateway requests only; add another context type with LogtoAuthContexts.use(), or mark this handler @Public() to serve it.',
  },
  // Fail closed: a subscription outlives its token, and only a graphql-ws connection verified as it opened
  // has its stream ended at `exp` (issue 14).
  graphql_subscription_not_supported: {
    status: HttpStatus.FORBIDDEN,
    code: C.ExecutionContextNotSupported,
    description: 'LogtoAuthGuard authenticates GraphQL subscriptions only over a graphql-ws connection it verified as it opened; mark the subscription @Public() to serve it.',
  },
} as const satisfies Record<string, LogtoAuthFailureRule>;

export type LogtoAuthFailure = keyof typeof LOGTO_AUTH_FAILURES;

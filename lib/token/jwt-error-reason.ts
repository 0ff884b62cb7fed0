import { LogtoAuthFailure } from '../errors/logto-auth-failures';

/**
 * Maps a jsonwebtoken error to a failure reason. Its messages name the expected issuer and audience,
 * so they are read here and never passed on to a client.
 */
export function jwtErrorReason(error: unknown): LogtoAuthFailure {
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  if (name === 'TokenExpiredError') return 'expired';
  if (name === 'NotBeforeError') return 'not_yet_valid';
  if (name !== 'JsonWebTokenError' || typeof message !== 'string') return 'malformed_token';
  if (message.startsWith('jwt audience invalid')) return 'wrong_audience';
  if (message.startsWith('jwt issuer invalid')) return 'wrong_issuer';
  if (message === 'invalid signature') return 'bad_signature';
  if (message === 'invalid algorithm') return 'algorithm_not_allowed';
  return 'malformed_token';
}

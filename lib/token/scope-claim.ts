import { LogtoAuthException } from '../errors/logto-auth.exception';
import { LogtoAccessTokenClaims } from '../interfaces/logto-user.interface';

/**
 * The granted permissions from the configured claim: `scope` (RFC 9068 §2.2.3, space-separated), or
 * another issuer's `scp` / `permissions`, as a string or an array of strings. Absent means none.
 */
export function readScopes(claims: LogtoAccessTokenClaims, scopeClaim: string): string[] {
  const value = claims[scopeClaim];
  if (value === undefined || typeof value === 'string') return parseScope(value);
  if (Array.isArray(value) && value.every((scope) => typeof scope === 'string')) {
    return [...new Set(value.filter((scope) => scope !== ''))];
  }
  throw new LogtoAuthException('invalid_claims');
}

/** RFC 6749 §3.3: space-delimited; missing or empty means no scope at all, never an error. */
export function parseScope(scope: string | undefined): string[] {
  if (!scope) return [];
  return [...new Set(scope.split(' ').filter(Boolean))];
}

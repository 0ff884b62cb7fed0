import { LogtoAuthException } from '../errors/logto-auth.exception';
import { LogtoAccessTokenClaims } from '../interfaces/logto-user.interface';

/**
 * The granted permissions from the configured claim. `scope` is a space-delimited string (RFC 9068
 * §2.2.3, RFC 8693 §4.2; Logto issues it so), and an array there is refused, as it is on the verified
 * payload whatever `scopeClaim` names. Another issuer's `scp` / `permissions` may be a space-delimited
 * string or an array of strings (Auth0 issues `permissions` as an array). Absent means none.
 */
export function readScopes(claims: LogtoAccessTokenClaims, scopeClaim: string): string[] {
  const value = claims[scopeClaim];
  if (value === undefined || typeof value === 'string') return parseScope(value);
  if (scopeClaim !== 'scope' && Array.isArray(value) && value.every((scope) => typeof scope === 'string')) {
    return [...new Set(value.filter((scope) => scope !== ''))];
  }
  throw new LogtoAuthException('invalid_claims');
}

/** RFC 6749 §3.3: space-delimited; missing or empty means no scope at all, never an error. */
export function parseScope(scope: string | undefined): string[] {
  if (!scope) return [];
  return [...new Set(scope.split(' ').filter(Boolean))];
}

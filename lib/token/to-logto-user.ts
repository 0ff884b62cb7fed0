import { LogtoAccessTokenClaims, LogtoUser } from '../interfaces/logto-user.interface';

/** Builds the frozen `LogtoUser` from a verified payload (and from nothing else). */
export function toLogtoUser(claims: LogtoAccessTokenClaims): LogtoUser {
  const user: LogtoUser = {
    sub: claims.sub,
    clientId: claims.client_id,
    scopes: Object.freeze(parseScope(claims.scope)),
    audience: Object.freeze(typeof claims.aud === 'string' ? [claims.aud] : [...claims.aud]),
    issuer: claims.iss,
    ...(claims.organization_id !== undefined && { organizationId: claims.organization_id }),
    expiresAt: new Date(claims.exp * 1000),
    claims: deepFreeze(claims),
  };
  return Object.freeze(user);
}

/** RFC 6749 §3.3: space-delimited; missing or empty means no scope at all, never an error. */
export function parseScope(scope: string | undefined): string[] {
  if (!scope) return [];
  return [...new Set(scope.split(' ').filter(Boolean))];
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

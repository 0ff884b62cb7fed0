import { LogtoAuthException } from '../errors/logto-auth.exception';

/** The request fields the extractor reads: Express and Fastify requests both fit (Fastify via `raw`). */
export interface AuthorizationSource {
  readonly headers?: { readonly authorization?: string | readonly string[] };
  readonly rawHeaders?: readonly string[];
  readonly raw?: { readonly rawHeaders?: readonly string[] };
}

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
// RFC 9110 §5.6.2 tchar: a letter of this class right after "bearer" makes it another scheme name.
const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]$/;

/**
 * Returns the Authorization header's value, refusing ambiguity: Node keeps only the first of two
 * Authorization headers, so a second one is found in the raw header list and rejected.
 */
export function readAuthorizationHeader(request: AuthorizationSource): string | undefined {
  const value = request.headers?.authorization;
  // Express's request holds rawHeaders itself: asked first, so that no lookup of `raw` climbs its prototype chain
  // (V8 gives each Express request a shape of its own, so every property read there is a full lookup).
  const rawHeaders = request.rawHeaders ?? request.raw?.rawHeaders;
  if (Array.isArray(value) || (rawHeaders !== undefined && countAuthorizationHeaders(rawHeaders) > 1)) {
    throw new LogtoAuthException('invalid_header_format');
  }
  return value as string | undefined;
}

/**
 * `Bearer <token>` -> the token's text, or the precise reason it is not one. The scheme is case-insensitive
 * (RFC 9110 §11.1) and one or more spaces may follow it. The token's own characters are checked by
 * `assertBearerTokenForm`, the first rule of a verification: a token found in the verified-token cache
 * passed it when it was verified, so a cache hit need not scan it again.
 */
export function bearerTokenOf(header: string | undefined): string {
  if (!header) throw new LogtoAuthException('header_missing');
  if (header.slice(0, 6).toLowerCase() !== 'bearer' || TCHAR.test(header.charAt(6))) {
    throw new LogtoAuthException('scheme_not_bearer');
  }
  let start = 6;
  while (header.charCodeAt(start) === 0x20) start++;
  if (start === 6) throw new LogtoAuthException('invalid_header_format');
  return header.slice(start);
}

/** RFC 6750 §2.1: the token is one b64token, nothing else (no second word, no comma, no control character). */
export function assertBearerTokenForm(token: string): void {
  if (!B64TOKEN.test(token)) throw new LogtoAuthException('invalid_header_format');
}

function countAuthorizationHeaders(rawHeaders: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name.length === 13 && name.toLowerCase() === 'authorization') count++;
  }
  return count;
}

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** Fails at decoration time, so a typo like `'read documents'` never becomes a route nobody can call. */
export function assertScopeTokens(decorator: string, scopes: readonly string[]): void {
  if (scopes.length === 0) throw new TypeError(`@${decorator}() needs at least one scope`);
  for (const scope of scopes) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
      throw new TypeError(`@${decorator}(): ${JSON.stringify(scope)} is not a valid scope (RFC 6749 section 3.3)`);
    }
  }
}

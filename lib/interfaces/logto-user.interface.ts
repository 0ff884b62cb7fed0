/** The claims of a Logto access token (RFC 9068 §2.2), as verified. */
export interface LogtoAccessTokenClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string | readonly string[];
  readonly exp: number;
  readonly iat?: number;
  readonly nbf?: number;
  readonly jti?: string;
  readonly client_id: string;
  /** Space-separated; absent when nothing was granted. */
  readonly scope?: string;
  readonly organization_id?: string;
  readonly [claim: string]: unknown;
}

/**
 * The verified caller, built only from a verified token. `@CurrentUser()` returns it, and it is
 * `request.user`. It is frozen: the same object may serve every request that carries the same token.
 */
export interface LogtoUser {
  /** The user, or the application for machine-to-machine tokens. */
  readonly sub: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly audience: readonly string[];
  readonly issuer: string;
  /**
   * The organization the token acts for: its `organization_id` claim, or, with `organizations: true`,
   * the id of an organization token's `urn:logto:organization:<id>` audience.
   */
  readonly organizationId?: string;
  readonly expiresAt: Date;
  /** The full verified payload, for custom claims. */
  readonly claims: LogtoAccessTokenClaims;
}

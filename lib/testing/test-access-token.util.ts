import { randomUUID } from 'node:crypto';
import { signCompactJws } from './jws-signature.util';
import { SigningKey } from './signing-key.util';

/** What a test token says; every field has a Logto-like default. */
export interface LogtoTestTokenOptions {
  /** The user (or, for machine-to-machine tokens, the client id). Default `test-user`. */
  sub?: string;
  /** The granted permissions, written space-separated into `scope`. Default none: `scope` is then absent, as Logto omits it. */
  scopes?: readonly string[];
  /** `aud`. Default the issuer's audience. A Logto organization token has `urn:logto:organization:<id>`. */
  audience?: string | readonly string[];
  /** Adds the `organization_id` claim, as Logto does for organization-level API resources. */
  organizationId?: string;
  /** `client_id`: the Logto application that asked for the token. Default `test-app`. */
  clientId?: string;
  /** Seconds until `exp`, from now. Default 3600; zero or negative signs a token that has already expired. */
  expiresIn?: number;
  /** Claims merged over the defaults (any claim, `iss` included); `undefined` removes one. */
  claims?: Record<string, unknown>;
  /** JOSE header members merged over `{ alg, typ: 'at+jwt', kid }`; `undefined` removes one. */
  header?: Record<string, unknown>;
}

/** @internal what the issuer signs with; left out of the published typings (it names node:crypto types). */
export interface AccessTokenContext {
  readonly issuer: string;
  readonly audience: string | readonly string[];
  readonly key: Pick<SigningKey, 'kid' | 'alg' | 'privateKey'>;
}

const DEFAULT_LIFETIME_SECONDS = 3600;

/** A Logto-shaped access token (RFC 9068 §2), really signed with the context's key. @internal */
export function signTestAccessToken(context: AccessTokenContext, options: LogtoTestTokenOptions = {}): string {
  const { key } = context;
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = options.expiresIn ?? DEFAULT_LIFETIME_SECONDS;
  if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn)) throw new TypeError('token(): expiresIn must be a finite number of seconds');
  // An expired token was issued one lifetime before it expired, so iat never lies in the future.
  const issuedAt = Math.min(now, now + expiresIn - DEFAULT_LIFETIME_SECONDS);
  const scopes = options.scopes ?? [];
  const header = withoutUndefined({ alg: key.alg, typ: 'at+jwt', kid: key.kid, ...options.header });
  const payload = withoutUndefined({
    jti: randomUUID(),
    sub: options.sub ?? 'test-user',
    iat: issuedAt,
    exp: now + expiresIn,
    scope: scopes.length > 0 ? scopes.join(' ') : undefined,
    client_id: options.clientId ?? 'test-app',
    ...(options.organizationId !== undefined && { organization_id: options.organizationId }),
    iss: context.issuer,
    aud: options.audience ?? context.audience,
    ...options.claims,
  });
  return signCompactJws(header, payload, key.privateKey, key.alg);
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

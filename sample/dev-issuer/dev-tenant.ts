/** One machine-to-machine application of the dev tenant. */
export interface DevClient {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The API resource scopes its roles grant it (Logto: the M2M app's roles). */
  readonly scopes: readonly string[];
  /**
   * The organizations it is a member of, each with the organization permissions its organization
   * roles grant (Logto: organization membership and organization roles of the M2M app).
   */
  readonly organizations?: Readonly<Record<string, readonly string[]>>;
  /** Seconds its access tokens live; default the API resource's TTL. */
  readonly accessTokenTtl?: number;
}

/** What a Logto tenant holds that matters to an API: one API resource and the M2M apps that call it. */
export interface DevTenant {
  readonly apiResource: string;
  readonly apiScopes: readonly string[];
  readonly accessTokenTtl: number;
  /**
   * Logto's "default API resource": the audience of an M2M token requested without `resource`.
   * Unset (Logto's default), such a request is refused with 400 invalid_target.
   */
  readonly defaultApiResource?: string;
  readonly clients: readonly DevClient[];
}

export const DEV_API_RESOURCE = 'https://api.example.com';

/** Logto's prefix for organization resources: an organization token's audience is this prefix and the organization id. */
export const ORGANIZATION_RESOURCE_PREFIX = 'urn:logto:organization:';

/**
 * The dev tenant. The secrets are public on purpose: the dev issuer only listens on loopback and
 * its keys are generated at every start.
 */
export const DEV_TENANT: DevTenant = {
  apiResource: DEV_API_RESOURCE,
  apiScopes: ['read:documents', 'write:documents', 'search:own'],
  accessTokenTtl: 3600,
  clients: [
    {
      clientId: 'reader-app',
      clientSecret: 'reader-secret',
      scopes: ['read:documents'],
      organizations: { acme: ['read:members', 'invite:members'], globex: [] },
    },
    {
      clientId: 'editor-app',
      clientSecret: 'editor-secret',
      scopes: ['read:documents', 'write:documents', 'search:own'],
    },
    { clientId: 'outsider-app', clientSecret: 'outsider-secret', scopes: [] },
  ],
};

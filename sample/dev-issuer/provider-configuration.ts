import type { ClientMetadata, Configuration, KoaContextWithOIDC, ResourceServer } from 'oidc-provider' with { 'resolution-mode': 'import' };
import type * as OidcProvider from 'oidc-provider' with { 'resolution-mode': 'import' };
import { DevClient, DevTenant, ORGANIZATION_RESOURCE_PREFIX } from './dev-tenant';
import { memoryAdapterFactory } from './memory-adapter';
import { DevSigningKey } from './signing-keys';

type OidcErrors = typeof OidcProvider.errors;

/**
 * oidc-provider configured the way Logto configures it for machine-to-machine apps, as far as an API
 * sees it: access tokens are JWTs (RFC 9068, `typ: at+jwt`) signed by the first key of the key set, and
 * - `resource` = the API resource: a token for it, `scope` = the requested scopes the app's roles grant;
 * - no `resource`: 400 invalid_target, or a token for the tenant's default API resource if one is set;
 * - `organization_id` and no `resource`: an organization token, `aud` `urn:logto:organization:<id>`,
 *   `scope` = the requested organization permissions the app's organization roles grant (`""` if none);
 * - `organization_id` and `resource`: an organization-level API resource token (`aud` the API,
 *   plus the `organization_id` claim);
 * - `organization_id` of an organization the app is not a member of: 403 access_denied.
 */
export function providerConfiguration(tenant: DevTenant, keys: readonly DevSigningKey[], errors: OidcErrors): Configuration {
  const [signingKey] = keys;
  if (!signingKey) throw new Error('the dev issuer needs at least one signing key');
  const clientsById = new Map(tenant.clients.map((client) => [client.clientId, client]));
  const tenantClient = (clientId: string): DevClient => {
    const client = clientsById.get(clientId);
    if (!client) throw new errors.InvalidClient('unknown client');
    return client;
  };
  const organizationPermissions = (client: DevClient, organizationId: string): readonly string[] => {
    const permissions = client.organizations && Object.hasOwn(client.organizations, organizationId) ? client.organizations[organizationId] : undefined;
    if (permissions === undefined) {
      // oidc-provider's AccessDenied is a 400; Logto answers a non-member with 403.
      const denied = new errors.AccessDenied('the application is not a member of this organization');
      Object.assign(denied, { status: 403, statusCode: 403 });
      throw denied;
    }
    return permissions;
  };
  // oidc-provider hands a grant only the parameters it registered; Logto registers its own
  // client_credentials grant that takes organization_id. Here it is read from the form body.
  const requestedOrganization = (ctx: KoaContextWithOIDC): string | undefined => {
    const value = ctx.oidc.body?.organization_id;
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') throw new errors.InvalidRequest('organization_id must be one non-empty string');
    if (ctx.oidc.client) organizationPermissions(tenantClient(ctx.oidc.client.clientId), value);
    return value;
  };
  const jwtResource = (client: DevClient, audience: string, scopes: readonly string[]): ResourceServer => ({
    audience,
    scope: scopes.join(' '),
    accessTokenFormat: 'jwt',
    accessTokenTTL: client.accessTokenTtl ?? tenant.accessTokenTtl,
    jwt: { sign: { alg: signingKey.alg, kid: signingKey.kid } },
  });
  // Organization audiences are only reached through organization_id: Logto does not take them as `resource`.
  const organizationAudienceFrom = new WeakMap<KoaContextWithOIDC, string>();

  return {
    adapter: memoryAdapterFactory(),
    jwks: { keys: keys.map((key) => ({ ...key })) },
    clients: tenant.clients.map(toClientMetadata),
    // With an EC-only key set the RS256 default for ID tokens has no key: oidc-provider refuses to start.
    enabledJWA: { idTokenSigningAlgValues: [...new Set(keys.map((key) => key.alg))] },
    clientDefaults: { id_token_signed_response_alg: signingKey.alg, grant_types: ['client_credentials'], response_types: [] },
    // organization_id with an API resource: the organization-level API resource token carries the claim.
    extraTokenClaims(ctx: KoaContextWithOIDC) {
      const organizationId = requestedOrganization(ctx);
      return organizationId === undefined || organizationAudienceFrom.has(ctx) ? undefined : { organization_id: organizationId };
    },
    formats: {
      customizers: {
        // oidc-provider leaves out an empty scope; Logto's organization tokens carry "scope": "" then.
        jwt(_ctx, token, jwt) {
          const audience = jwt.payload.aud;
          if (typeof audience === 'string' && audience.startsWith(ORGANIZATION_RESOURCE_PREFIX)) jwt.payload.scope = token.scope ?? '';
        },
      },
    },
    ttl: {
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? tenant.accessTokenTtl,
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource(ctx) {
          const organizationId = requestedOrganization(ctx);
          if (organizationId !== undefined) {
            const audience = `${ORGANIZATION_RESOURCE_PREFIX}${organizationId}`;
            organizationAudienceFrom.set(ctx, audience);
            return audience;
          }
          if (tenant.defaultApiResource !== undefined) return tenant.defaultApiResource;
          throw new errors.InvalidTarget('resource indicator is missing, or unknown'); // as Logto answers an M2M app
        },
        useGrantedResource: () => true,
        getResourceServerInfo(ctx, indicator, oidcClient) {
          const client = tenantClient(oidcClient.clientId);
          requestedOrganization(ctx); // refuses a non-member before any token is made
          if (indicator === tenant.apiResource) {
            return jwtResource(client, indicator, client.scopes.filter((scope) => tenant.apiScopes.includes(scope)));
          }
          if (indicator === organizationAudienceFrom.get(ctx)) {
            return jwtResource(client, indicator, organizationPermissions(client, indicator.slice(ORGANIZATION_RESOURCE_PREFIX.length)));
          }
          throw new errors.InvalidTarget(); // an unknown API resource, as Logto answers it
        },
      },
    },
  };
}

function toClientMetadata(client: DevClient): ClientMetadata {
  return {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
  };
}

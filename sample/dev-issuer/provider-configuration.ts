import type { ClientMetadata, Configuration, KoaContextWithOIDC, ResourceServer } from 'oidc-provider' with { 'resolution-mode': 'import' };
import type * as OidcProvider from 'oidc-provider' with { 'resolution-mode': 'import' };
import { DevClient, DevTenant, ORGANIZATION_RESOURCE_PREFIX } from './dev-tenant';
import { memoryAdapterFactory } from './memory-adapter';
import { DevSigningKey } from './signing-keys';

type OidcErrors = typeof OidcProvider.errors;

/**
 * oidc-provider configured the way Logto configures it for APIs: resource indicators decide the
 * audience, access tokens are JWTs (RFC 9068, `typ: at+jwt`) signed by the first key of the key set,
 * machine-to-machine apps use client credentials, and `organization_id` makes organization tokens.
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
  const requireMembership = (client: DevClient, organizationId: string): void => {
    if (!client.organizations?.includes(organizationId)) {
      throw new errors.AccessDenied('the application is not a member of this organization');
    }
  };
  // oidc-provider hands a grant only the parameters it registered; Logto registers its own
  // client_credentials grant that takes organization_id. Here it is read from the form body.
  const requestedOrganization = (ctx: KoaContextWithOIDC): string | undefined => {
    const value = ctx.oidc.body?.organization_id;
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') throw new errors.InvalidRequest('organization_id must be one non-empty string');
    if (ctx.oidc.client) requireMembership(tenantClient(ctx.oidc.client.clientId), value);
    return value;
  };
  const jwtResource = (client: DevClient, audience: string, scopes: readonly string[]): ResourceServer => ({
    audience,
    scope: scopes.join(' '),
    accessTokenFormat: 'jwt',
    accessTokenTTL: client.accessTokenTtl ?? tenant.accessTokenTtl,
    jwt: { sign: { alg: signingKey.alg, kid: signingKey.kid } },
  });

  return {
    adapter: memoryAdapterFactory(),
    jwks: { keys: keys.map((key) => ({ ...key })) },
    clients: tenant.clients.map(toClientMetadata),
    // With an EC-only key set the RS256 default for ID tokens has no key: oidc-provider refuses to start.
    enabledJWA: { idTokenSigningAlgValues: [...new Set(keys.map((key) => key.alg))] },
    clientDefaults: { id_token_signed_response_alg: signingKey.alg, grant_types: ['client_credentials'], response_types: [] },
    // Logto's organization tokens: organization_id in the request becomes the organization_id claim.
    extraTokenClaims(ctx: KoaContextWithOIDC) {
      const organizationId = requestedOrganization(ctx);
      return organizationId === undefined ? undefined : { organization_id: organizationId };
    },
    ttl: {
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? tenant.accessTokenTtl,
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined, // no resource: an opaque token, as Logto issues
        useGrantedResource: () => true,
        getResourceServerInfo(ctx, indicator, oidcClient) {
          const client = tenantClient(oidcClient.clientId);
          requestedOrganization(ctx); // refuses a non-member before any token is made
          if (indicator === tenant.apiResource) {
            return jwtResource(client, indicator, client.scopes.filter((scope) => tenant.apiScopes.includes(scope)));
          }
          if (indicator.startsWith(ORGANIZATION_RESOURCE_PREFIX)) {
            requireMembership(client, indicator.slice(ORGANIZATION_RESOURCE_PREFIX.length));
            return jwtResource(client, indicator, []);
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

import { DevTenant } from './dev-issuer/dev-tenant';

export interface DevModeAddresses {
  readonly apiUrl: string;
  readonly issuer: string;
  readonly tokenEndpoint: string;
  readonly tenant: DevTenant;
}

/** What `npm run dev-issuer` prints: the addresses an API needs, and token commands. */
export interface DevIssuerAddresses {
  readonly endpoint: string;
  readonly issuer: string;
  readonly jwksUri: string;
  readonly tokenEndpoint: string;
  readonly tenant: DevTenant;
}

const READ_ACCESS_TOKEN = `node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).access_token'`;

/** A pasteable command that puts a client credentials token of `reader-app` into $TOKEN. */
function readerTokenCommand(tokenEndpoint: string, parameters: string): string {
  return `TOKEN=$(curl -s ${tokenEndpoint} -u reader-app:reader-secret -d grant_type=client_credentials ${parameters} | ${READ_ACCESS_TOKEN})`;
}

function otherClients(tenant: DevTenant): string {
  return tenant.clients
    .filter((client) => client.clientId !== 'reader-app')
    .map((client) => `${client.clientId}:${client.clientSecret} (${client.scopes.join(', ') || 'no scopes'})`)
    .join(', ');
}

/** What `npm start` prints with the dev issuer: URLs, then commands that can be pasted as they are. */
export function devModeInstructions({ apiUrl, issuer, tokenEndpoint, tenant }: DevModeAddresses): string {
  return `
nestjs-logto sample: a protected API and a local Logto-compatible issuer.

  API          ${apiUrl}   (audience ${tenant.apiResource})
  Dev issuer   ${issuer}   (discovery: ${issuer}/.well-known/openid-configuration)

1. Get an access token for the machine-to-machine app "reader-app" (scope read:documents):

${readerTokenCommand(tokenEndpoint, `-d resource=${tenant.apiResource} -d scope=read:documents`)}

2. Call the API with it:

curl -i ${apiUrl}/documents -H "Authorization: Bearer $TOKEN"
    200: the token has read:documents
curl -i ${apiUrl}/documents
    401 auth.authorization_header_missing: no token
curl -i -X POST ${apiUrl}/documents -H "Authorization: Bearer $TOKEN"
    403 insufficient_scope: POST also needs write:documents

More: GET ${apiUrl}/me shows the verified token; other apps: ${otherClients(tenant)};
add -d organization_id=acme to the token request for an organization-level API resource token
(audience still ${tenant.apiResource}, plus the organization_id claim; then GET ${apiUrl}/organization).
Public route: ${apiUrl}/health. Ctrl-C stops the API and the issuer.
`;
}

/** What `npm run dev-issuer` prints: the issuer alone, for testing your own API against it. */
export function devIssuerInstructions({ endpoint, issuer, jwksUri, tokenEndpoint, tenant }: DevIssuerAddresses): string {
  return `
nestjs-logto dev issuer: a local Logto-compatible issuer (keys made at start, gone at stop).

  Endpoint     ${endpoint}   (LogtoAuthModule option "endpoint")
  Issuer       ${issuer}
  JWKS         ${jwksUri}
  Token        ${tokenEndpoint}
  API resource ${tenant.apiResource}   (option "audience"; scopes ${tenant.apiScopes.join(', ')})
  Apps         reader-app:reader-secret (read:documents; member of organization acme), ${otherClients(tenant)}

An API resource token (aud ${tenant.apiResource}):

${readerTokenCommand(tokenEndpoint, `-d resource=${tenant.apiResource} -d scope=read:documents`)}

An organization token (aud urn:logto:organization:acme, scope = the organization permissions granted):

${readerTokenCommand(tokenEndpoint, '-d organization_id=acme -d scope="read:members invite:members"')}

An organization-level API resource token (aud ${tenant.apiResource}, plus organization_id):

${readerTokenCommand(tokenEndpoint, `-d resource=${tenant.apiResource} -d organization_id=acme -d scope=read:documents`)}

Then: curl -i <your API> -H "Authorization: Bearer $TOKEN"
Without resource and organization_id the answer is 400 invalid_target, as from Logto.
Ctrl-C stops the issuer.
`;
}

/** What `npm start` prints against a real Logto tenant. */
export function tenantModeInstructions(apiUrl: string, endpoint: string, audience: string): string {
  return `
nestjs-logto sample: a protected API for your Logto tenant.

  API          ${apiUrl}   (audience ${audience})
  Issuer       ${endpoint.replace(/\/+$/, '')}/oidc

Get a token for a machine-to-machine app of your tenant (App ID and App secret from the Logto Console):

TOKEN=$(curl -s ${endpoint.replace(/\/+$/, '')}/oidc/token -u <app-id>:<app-secret> -d grant_type=client_credentials -d resource=${audience} -d scope=read:documents | ${READ_ACCESS_TOKEN})
curl -i ${apiUrl}/documents -H "Authorization: Bearer $TOKEN"

Ctrl-C stops the API.
`;
}

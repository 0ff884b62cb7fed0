import { createServer, IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { DEV_TENANT, DevTenant } from './dev-tenant';
import { providerConfiguration } from './provider-configuration';
import { createEcSigningKey, DevSigningKey } from './signing-keys';

const MOUNT_PATH = '/oidc';

export interface DevIssuerOptions {
  /** Loopback only by default: the dev tenant's secrets are public. */
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** The signing keys, first one signs. Default: one fresh EC P-384 key. */
  readonly keys?: readonly DevSigningKey[];
  readonly tenant?: DevTenant;
}

export interface DevIssuer {
  /** What LOGTO_ENDPOINT is set to: the issuer is `${endpoint}/oidc`. */
  readonly endpoint: string;
  readonly issuer: string;
  readonly discoveryUrl: string;
  readonly jwksUri: string;
  readonly tokenEndpoint: string;
  readonly tenant: DevTenant;
  /** Requests to the JWKS endpoint so far: how a test sees that an API refreshed its keys. */
  readonly jwksRequests: number;
  /** The current signing keys, first one signs. */
  readonly keys: readonly DevSigningKey[];
  /** Restarts the provider with a new key set, on the same address (a key rotation, as Logto does it). */
  restart(keys: readonly DevSigningKey[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * A local authorization server configured like Logto (oidc-provider, mounted at /oidc), for the
 * sample and the end-to-end tests. Development only: never part of the published package.
 */
export async function startDevIssuer(options: DevIssuerOptions = {}): Promise<DevIssuer> {
  const tenant = options.tenant ?? DEV_TENANT;
  // oidc-provider is ESM only; this file may be compiled to CommonJS.
  const oidc = await import('oidc-provider');
  let keys = options.keys ?? [createEcSigningKey()];
  let handle: RequestListener | undefined;
  let jwksRequests = 0;
  const server = createServer((request, response) => {
    if (request.url?.startsWith(`${MOUNT_PATH}/jwks`)) jwksRequests++;
    route(handle, request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const endpoint = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  const issuer = `${endpoint}${MOUNT_PATH}`;
  const load = (next: readonly DevSigningKey[]) => {
    const provider = new oidc.Provider(issuer, providerConfiguration(tenant, next, oidc.errors));
    handle = provider.callback();
    keys = next;
  };
  load(keys);

  return {
    endpoint,
    issuer,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    jwksUri: `${issuer}/jwks`,
    tokenEndpoint: `${issuer}/token`,
    tenant,
    get jwksRequests() {
      return jwksRequests;
    },
    get keys() {
      return keys;
    },
    restart: async (next) => load(next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// Mounted the way Logto mounts it: the provider derives its own URLs from originalUrl minus url.
function route(handle: RequestListener | undefined, request: IncomingMessage, response: ServerResponse): void {
  const url = request.url ?? '/';
  if (!handle || !(url === MOUNT_PATH || url.startsWith(`${MOUNT_PATH}/`) || url.startsWith(`${MOUNT_PATH}?`))) {
    response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
    return;
  }
  Object.assign(request, { originalUrl: url });
  request.url = url.slice(MOUNT_PATH.length) || '/';
  handle(request, response);
}

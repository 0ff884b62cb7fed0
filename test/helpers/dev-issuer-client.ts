import { DevIssuer } from '../../sample/dev-issuer/dev-issuer';

export interface TokenRequest {
  readonly clientId: string;
  /** Default: the tenant's secret for `clientId`. */
  readonly clientSecret?: string;
  readonly resource?: string;
  readonly scope?: string;
  readonly organizationId?: string;
}

export interface TokenResponse {
  readonly status: number;
  readonly body: { access_token?: string; scope?: string; expires_in?: number; error?: string; error_description?: string };
}

/** A client credentials request to the dev issuer's token endpoint, over HTTP, as an M2M app sends it. */
export async function requestToken(issuer: DevIssuer, request: TokenRequest): Promise<TokenResponse> {
  const secret = request.clientSecret ?? issuer.tenant.clients.find((c) => c.clientId === request.clientId)?.clientSecret ?? '';
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (request.resource !== undefined) form.set('resource', request.resource);
  if (request.scope !== undefined) form.set('scope', request.scope);
  if (request.organizationId !== undefined) form.set('organization_id', request.organizationId);
  const response = await fetch(issuer.tokenEndpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${request.clientId}:${secret}`).toString('base64')}` },
    body: form,
  });
  return { status: response.status, body: (await response.json()) as TokenResponse['body'] };
}

/** Like `requestToken`, for requests that must succeed: the access token. */
export async function accessToken(issuer: DevIssuer, request: TokenRequest): Promise<string> {
  const { status, body } = await requestToken(issuer, request);
  if (status !== 200 || typeof body.access_token !== 'string') {
    throw new Error(`token request failed: ${status} ${body.error ?? ''} ${body.error_description ?? ''}`);
  }
  return body.access_token;
}

/** The decoded (unverified) header of a compact JWS. */
export function jwsHeader(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The decoded (unverified) payload of a compact JWS. */
export function jwsPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

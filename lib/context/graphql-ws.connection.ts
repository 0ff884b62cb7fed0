import { LogtoAuthException } from '../errors/logto-auth.exception';
import { AuthRequest } from './auth-context.interface';
import { AuthConnection, connectionOf, ConnectionTransport, registerConnection, WsSocket, wsSocketTransport } from './auth.connection';

/** The parts of a `graphql-ws` server `Context` the module uses (duck-typed: `graphql-ws` stays optional). */
export interface GraphqlWsContext {
  /** The `connection_init` message's payload. */
  readonly connectionParams?: Readonly<Record<string, unknown>>;
  /** `graphql-ws/use/ws` (what `@nestjs/graphql` uses): the `ws` socket and its upgrade request. */
  readonly extra?: { readonly socket?: WsSocket; readonly request?: object };
}

/**
 * A graphql-ws connection, created when its `connection_init` arrives (`onConnect`). Registered under the
 * graphql-ws context, its socket and its upgrade request: whichever of them the app's GraphQL context
 * passes as `req` (`@nestjs/apollo`'s default passes the graphql-ws context), resolvers find it.
 */
export function graphqlWsConnection(context: GraphqlWsContext): AuthConnection {
  const known = connectionOf(context);
  if (known) return known;
  const socket = context.extra?.socket;
  if (!socket) throw new LogtoAuthException('execution_context_not_supported'); // not graphql-ws over `ws`
  const request: AuthRequest = { headers: { authorization: connectionParamsAuthorization(context.connectionParams) } };
  const keys = [context, socket, context.extra?.request].filter((key): key is object => typeof key === 'object' && key !== null);
  return registerConnection(keys, { request, transport: graphqlWsTransport(context) });
}

/** A refusal closes the socket with graphql-ws's own codes (4401 / 4403; 1013 for an outage) and the module's code as reason. */
export function graphqlWsTransport(context: GraphqlWsContext): ConnectionTransport {
  return wsSocketTransport(context.extra?.socket);
}

/**
 * The `connection_init` payload's `Authorization` (or `authorization`) entry, written as an HTTP header value:
 * `Bearer <token>`. Both spellings at once are refused as ambiguous, as two Authorization headers are.
 */
function connectionParamsAuthorization(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const upper = params?.Authorization;
  const lower = params?.authorization;
  if (upper !== undefined && lower !== undefined) throw new LogtoAuthException('invalid_header_format');
  const value = upper ?? lower;
  if (value !== undefined && typeof value !== 'string') throw new LogtoAuthException('invalid_header_format');
  return value as string | undefined;
}

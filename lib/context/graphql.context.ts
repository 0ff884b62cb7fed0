import { ExecutionContext } from '@nestjs/common';
import { LogtoAuthException } from '../errors/logto-auth.exception';
import { LogtoUser } from '../interfaces/logto-user.interface';
import { AuthContext, AuthRequest } from './auth-context.interface';
import { connectionOf, ConnectionExpiry } from './auth.connection';
import { LogtoGraphQLError } from './logto-graphql.error';

/**
 * The request behind a resolver call: resolvers get `(root, args, context, info)` and `@nestjs/graphql`
 * puts the request in `context.req` (Express and Fastify alike; over graphql-ws, the graphql-ws context or
 * whatever the app's `context` function passes). Read without importing `@nestjs/graphql`, so that
 * package is needed only by apps that use it.
 */
export function graphqlRequest(context: ExecutionContext): AuthRequest | undefined {
  const graphqlContext = context.getArgByIndex<{ req?: AuthRequest } | undefined>(2);
  const request = graphqlContext?.req;
  return request !== null && typeof request === 'object' ? request : undefined;
}

/** The operation a resolver runs for: `query`, `mutation` or `subscription` (graphql-js `info.operation`). */
function operationOf(context: ExecutionContext): unknown {
  return context.getArgByIndex<{ operation?: { operation?: unknown } } | undefined>(3)?.operation?.operation;
}

/**
 * Resolvers (`@nestjs/graphql` with Apollo): refusals become GraphQL errors with `extensions.code`.
 * Operations over a graphql-ws connection that `LogtoAuthGuard.authenticateGraphqlWsConnection` verified as
 * it opened use that connection's user, while its token lasts; any other subscription is refused.
 */
export class GraphqlAuthContext implements AuthContext {
  private readonly expiry: ConnectionExpiry;

  constructor(
    private readonly realm: string,
    clockToleranceSeconds: number,
  ) {
    this.expiry = new ConnectionExpiry(clockToleranceSeconds);
  }

  getRequest(context: ExecutionContext): AuthRequest {
    const request = graphqlRequest(context);
    const connection = connectionOf(request);
    if (connection) return connection.request;
    // Fail closed: a subscription over anything but a verified graphql-ws connection (the legacy
    // subscriptions-transport-ws, a context passing the upgrade request) would outlive its token.
    if (operationOf(context) === 'subscription') throw new LogtoAuthException('graphql_subscription_not_supported');
    // Fail closed: a custom context without the HTTP request cannot be authenticated here.
    if (!request) throw new LogtoAuthException('execution_context_not_supported');
    return request;
  }

  getUser(context: ExecutionContext): LogtoUser | undefined {
    const request = graphqlRequest(context);
    return connectionOf(request)?.request.user ?? request?.user;
  }

  assertStillValid(context: ExecutionContext, user: LogtoUser): void {
    const connection = connectionOf(graphqlRequest(context));
    if (connection) this.expiry.keepWhileValid(connection, user); // a later operation on an expired connection
  }

  setUser(context: ExecutionContext, request: AuthRequest, user: LogtoUser): void {
    request.user = user;
    // Over graphql-ws, also where the app's own resolver guards look: `getContext().req.user`.
    const contextRequest = graphqlRequest(context);
    if (contextRequest && contextRequest !== request) contextRequest.user = user;
  }

  refuse(_context: ExecutionContext, exception: LogtoAuthException): LogtoGraphQLError {
    return new LogtoGraphQLError(exception, this.realm);
  }
}

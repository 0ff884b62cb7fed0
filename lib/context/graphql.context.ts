import { ExecutionContext } from '@nestjs/common';
import { LogtoAuthException } from '../errors/logto-auth.exception';
import { LogtoUser } from '../interfaces/logto-user.interface';
import { AuthContext, AuthRequest } from './auth-context';
import { LogtoGraphQLError } from './logto-graphql-error';

/**
 * The HTTP request behind a resolver call: resolvers get `(root, args, context, info)` and
 * `@nestjs/graphql` puts the request in `context.req` (Express and Fastify alike). Read without
 * importing `@nestjs/graphql`, so that package is needed only by apps that use it.
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

/** Resolvers (`@nestjs/graphql` with Apollo): refusals become GraphQL errors with `extensions.code`. */
export class GraphqlAuthContext implements AuthContext {
  constructor(private readonly realm: string) {}

  getRequest(context: ExecutionContext): AuthRequest {
    // Fail closed: a subscription would keep streaming after its token expires, even when the app's
    // context passes the upgrade request; until it is ended at `exp`, only @Public() subscriptions run.
    if (operationOf(context) === 'subscription') throw new LogtoAuthException('graphql_subscription_not_supported');
    // Fail closed: a custom context without the HTTP request cannot be authenticated here.
    const request = graphqlRequest(context);
    if (!request) throw new LogtoAuthException('execution_context_not_supported');
    return request;
  }

  setUser(_context: ExecutionContext, request: AuthRequest, user: LogtoUser): void {
    request.user = user;
  }

  refuse(_context: ExecutionContext, exception: LogtoAuthException): LogtoGraphQLError {
    return new LogtoGraphQLError(exception, this.realm);
  }
}

import { ExecutionContext } from '@nestjs/common';
import { LogtoUser } from '../interfaces/logto-user.interface';
import { graphqlRequest } from './graphql.context';
import { socketUser } from './socket-connection';

/** The user `LogtoAuthGuard` verified for this execution, in whichever context it runs. */
export function currentUserOf(context: ExecutionContext): LogtoUser | undefined {
  switch (context.getType<string>()) {
    case 'http':
      return context.switchToHttp().getRequest<{ user?: LogtoUser }>().user;
    case 'graphql':
      return graphqlRequest(context)?.user;
    case 'ws':
      return socketUser(context.switchToWs().getClient());
    default:
      return undefined;
  }
}

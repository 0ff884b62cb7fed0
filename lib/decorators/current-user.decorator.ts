import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { LogtoUser } from '../interfaces/logto-user.interface';
import { currentUserOf } from '../context/logto-auth.contexts';

/**
 * The verified `LogtoUser`, or one of its fields, in controllers, resolvers and gateways alike.
 *
 * @example
 * @Get('me') me(@CurrentUser() user: LogtoUser) { return user; }
 * @Post() create(@CurrentUser('sub') sub: string) {}
 */
export const CurrentUser: (field?: keyof LogtoUser) => ParameterDecorator = createParamDecorator(
  (field: keyof LogtoUser | undefined, context: ExecutionContext) => {
    const user = currentUserOf(context);
    return field ? user?.[field] : user;
  },
);

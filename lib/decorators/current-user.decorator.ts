import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { LogtoUser } from '../interfaces/logto-user.interface';

/**
 * The verified `LogtoUser`, or one of its fields.
 *
 * @example
 * @Get('me') me(@CurrentUser() user: LogtoUser) { return user; }
 * @Post() create(@CurrentUser('sub') sub: string) {}
 */
export const CurrentUser: (field?: keyof LogtoUser) => ParameterDecorator = createParamDecorator(
  (field: keyof LogtoUser | undefined, context: ExecutionContext) => {
    const user = context.switchToHttp().getRequest<{ user?: LogtoUser }>().user;
    return field ? user?.[field] : user;
  },
);

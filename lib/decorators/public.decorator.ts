import { SetMetadata } from '@nestjs/common';
import { IS_PUBLIC_KEY } from '../logto-auth.constants';

/**
 * Opens a handler, or every handler of a class, to callers without a token. The Authorization
 * header is then not read at all, and `@CurrentUser()` is `undefined`.
 *
 * @example
 * @Get('health') @Public() health() { return { ok: true }; }
 */
export const Public = (): ClassDecorator & MethodDecorator => SetMetadata(IS_PUBLIC_KEY, true);

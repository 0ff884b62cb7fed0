import { CanActivate, ExecutionContext, ForbiddenException, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { LogtoUser } from '../../lib';

const ROLES_KEY = 'test:roles';
/** An application's own authorization decorator: the token's `roles` claim must hold every role. */
export const Roles = (...roles: string[]) => SetMetadata(ROLES_KEY, roles);

/** A user's own guard of the kind the README describes: it relies on `request.user` being set. */
@Injectable()
export class RolesGuard implements CanActivate {
  static calls = 0;

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    RolesGuard.calls++;
    const roles = this.reflector.getAllAndOverride<string[]>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (!roles) return true;
    const user = context.switchToHttp().getRequest<{ user?: LogtoUser }>().user;
    if (!user) throw new ForbiddenException('RolesGuard ran before request.user was set');
    const granted = user.claims.roles;
    if (!Array.isArray(granted) || !roles.every((role) => granted.includes(role))) {
      throw new ForbiddenException('missing role');
    }
    return true;
  }
}

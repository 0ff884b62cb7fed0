import { CanActivate, DynamicModule, ExecutionContext, Injectable, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PlainDocumentsController } from './documents.controller';

/** A guard that does nothing: what running any global guard at all costs, Nest's guard pipeline alone. */
@Injectable()
class EmptyGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

/** The caller the handover guard hands over: the repeated token's `sub`, so the answer is the module's. */
export const HANDED_OVER_USER = Object.freeze({ sub: 'user-0' });

/**
 * A guard that checks nothing and hands over a caller as every passport-style guard does (`request.user`), so
 * that what the handover alone costs is measured apart from what checking a token costs.
 */
@Injectable()
class HandoverGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    context.getArgByIndex<{ user?: unknown }>(0).user = HANDED_OVER_USER;
    return true;
  }
}

@Module({})
class EmptyGuardAppModule {}

/**
 * The ceiling of a guarded route: a global `APP_GUARD` whose `canActivate` returns `true`, the same handler as
 * every app; with `handsOverUser`, the guard also sets `request.user` (the ceiling of a guard that hands over its caller).
 */
export function emptyGuardApp(handsOverUser = false): DynamicModule {
  return {
    module: EmptyGuardAppModule,
    providers: [{ provide: APP_GUARD, useClass: handsOverUser ? HandoverGuard : EmptyGuard }],
    controllers: [PlainDocumentsController],
  };
}

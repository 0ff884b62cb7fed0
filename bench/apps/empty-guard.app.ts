import { CanActivate, DynamicModule, Injectable, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PlainDocumentsController } from './documents.controller';

/** A guard that does nothing: what running any global guard at all costs, Nest's guard pipeline alone. */
@Injectable()
class EmptyGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

@Module({})
class EmptyGuardAppModule {}

/** The ceiling of a guarded route: a global `APP_GUARD` whose `canActivate` returns `true`, the same handler as every app. */
export function emptyGuardApp(): DynamicModule {
  return { module: EmptyGuardAppModule, providers: [{ provide: APP_GUARD, useClass: EmptyGuard }], controllers: [PlainDocumentsController] };
}

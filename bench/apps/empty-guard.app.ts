import { CanActivate, Controller, DynamicModule, Get, Injectable, Module, Req } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { BenchRequest } from './bench-app-config';

/** A guard that does nothing: what running any global guard at all costs, Nest's guard pipeline alone. */
@Injectable()
class EmptyGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

@Controller('documents')
class DocumentsController {
  @Get()
  list(@Req() request: BenchRequest) {
    return { sub: request.user?.sub ?? 'anonymous' };
  }
}

@Module({})
class EmptyGuardAppModule {}

/** The ceiling of a guarded route: a global `APP_GUARD` whose `canActivate` returns `true`, the same handler as every app. */
export function emptyGuardApp(): DynamicModule {
  return { module: EmptyGuardAppModule, providers: [{ provide: APP_GUARD, useClass: EmptyGuard }], controllers: [DocumentsController] };
}

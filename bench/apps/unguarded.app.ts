import { Controller, DynamicModule, Get, Module } from '@nestjs/common';

@Controller('documents')
class UnguardedController {
  @Get()
  list() {
    return { sub: 'anonymous' };
  }
}

@Module({})
class UnguardedAppModule {}

/** Row 1: no guard at all, the ceiling of the HTTP stack. */
export function unguardedApp(): DynamicModule {
  return { module: UnguardedAppModule, controllers: [UnguardedController] };
}

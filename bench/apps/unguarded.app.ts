import { Controller, DynamicModule, Get, Module, Req } from '@nestjs/common';
import { BenchRequest } from './bench-app-config';

@Controller('documents')
class UnguardedController {
  @Get()
  list(@Req() request: BenchRequest) {
    return { sub: request.user?.sub ?? 'anonymous' };
  }
}

@Module({})
class UnguardedAppModule {}

/** No guard at all, the ceiling of the HTTP stack; the same handler as every guarded app. */
export function unguardedApp(): DynamicModule {
  return { module: UnguardedAppModule, controllers: [UnguardedController] };
}

import { DynamicModule, Module } from '@nestjs/common';
import { PlainDocumentsController } from './documents.controller';

@Module({})
class UnguardedAppModule {}

/** No guard at all, the ceiling of the HTTP stack; the same handler as every guarded app. */
export function unguardedApp(): DynamicModule {
  return { module: UnguardedAppModule, controllers: [PlainDocumentsController] };
}

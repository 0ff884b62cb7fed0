import { Controller, DynamicModule, Get, Module, Req } from '@nestjs/common';
import { LogtoAuthModule, Scopes } from '../../lib';
import { BenchAppConfig, BenchRequest, REQUIRED_SCOPE } from './bench-app-config';

@Controller('documents')
@Scopes(REQUIRED_SCOPE)
class DocumentsController {
  @Get()
  list(@Req() request: BenchRequest) {
    return { sub: request.user?.sub ?? 'anonymous' };
  }
}

@Module({})
class LogtoModuleAppModule {}

/** Rows 2 and 3: this module, as its README configures it, with a scope on the route. */
export function logtoModuleApp(config: BenchAppConfig): DynamicModule {
  return {
    module: LogtoModuleAppModule,
    imports: [
      LogtoAuthModule.forRoot({
        endpoint: config.endpoint,
        audience: config.audience,
        tokenCache: { maxEntries: config.cacheMaxEntries },
        // The unknown-kid check runs a few seconds after the last JWKS fetch; the default 30 s
        // cooldown would refuse it without fetching (the behaviour under test is the single flight).
        jwksCooldownMs: 1_000,
      }),
    ],
    controllers: [DocumentsController],
  };
}

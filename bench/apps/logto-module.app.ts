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

/** The same handler without `@Scopes`: the global guard still verifies the token, and checks no scope. */
@Controller('unscoped')
class UnscopedController {
  @Get()
  list(@Req() request: BenchRequest) {
    return { sub: request.user?.sub ?? 'anonymous' };
  }
}

@Module({})
class LogtoModuleAppModule {}

/**
 * This module, as its README configures it (the global guard): `GET /documents` with a scope on the
 * route, and `GET /unscoped` without, so that the scope check is measured side by side.
 */
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
    controllers: [DocumentsController, UnscopedController],
  };
}

import { CanActivate, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { LOGTO_AUTH_OPTIONS } from './logto-auth.constants';
import { ConfigurableLogtoAuthModule, LOGTO_AUTH_MODULE_OPTIONS } from './logto-auth.module-definition';
import { resolveLogtoAuthOptions, ResolvedLogtoAuthOptions } from './logto-auth.options';
import { LogtoAuthGuard } from './logto-auth.guard';
import { LogtoStrategy } from './logto.strategy';
import { JwksKeyResolver } from './keys/jwks-key-resolver';

const LET_THROUGH: CanActivate = { canActivate: () => true };

/**
 * Protects every route with Logto access tokens.
 *
 * @example
 * LogtoAuthModule.forRoot({ endpoint: 'https://my-tenant.logto.app', audience: 'https://api.example.com' })
 *
 * LogtoAuthModule.forRootAsync({
 *   imports: [ConfigModule],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({
 *     endpoint: config.getOrThrow('LOGTO_ENDPOINT'),
 *     audience: config.getOrThrow('LOGTO_AUDIENCE'),
 *   }),
 * })
 */
@Global()
@Module({
  providers: [
    { provide: LOGTO_AUTH_OPTIONS, useFactory: resolveLogtoAuthOptions, inject: [LOGTO_AUTH_MODULE_OPTIONS] },
    { provide: JwksKeyResolver, useFactory: (o: ResolvedLogtoAuthOptions) => new JwksKeyResolver(o), inject: [LOGTO_AUTH_OPTIONS] },
    LogtoStrategy,
    LogtoAuthGuard,
    // Decided from the resolved options, so `global` works the same through forRootAsync (peer modules
    // that decide it before the async options exist register no guard at all).
    {
      provide: APP_GUARD,
      useFactory: (options: ResolvedLogtoAuthOptions, guard: LogtoAuthGuard) => (options.global ? guard : LET_THROUGH),
      inject: [LOGTO_AUTH_OPTIONS, LogtoAuthGuard],
    },
  ],
  exports: [LOGTO_AUTH_OPTIONS, JwksKeyResolver, LogtoStrategy, LogtoAuthGuard],
})
export class LogtoAuthModule extends ConfigurableLogtoAuthModule {}

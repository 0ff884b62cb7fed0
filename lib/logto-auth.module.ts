import { CanActivate, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { LOGTO_AUTH_OPTIONS } from './logto-auth.constants';
import { ConfigurableLogtoAuthModule, LOGTO_AUTH_MODULE_OPTIONS } from './logto-auth.module-definition';
import { resolveLogtoAuthOptions, ResolvedLogtoAuthOptions } from './logto-auth.options';
import { LogtoAuthGuard } from './logto-auth.guard';
import { LogtoAuthStrategy } from './logto-auth.strategy';
import { AccessTokenVerifier } from './token/access-token.verifier';
import { IssuerKeyResolvers } from './keys/issuer-key.resolvers';
import { LogtoUserValidation } from './logto-user.validation';
import { VerifiedTokenCache } from './cache/verified-token.cache';
import { GraphqlFieldResolversCheck } from './context/graphql-field-resolvers.check';
import { LogtoAuthContexts } from './context/logto-auth.contexts';
import { LogtoAuthStartup } from './logto-auth.startup';
import { LogtoAuthCounters } from './logto-auth.counters';
import { LogtoTokenCache } from './cache/logto-token.cache';
import { GatewayGuardCheck, LOGTO_AUTH_GUARD_CLASS } from './context/gateway-guard.check';

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
    LogtoAuthCounters, // one per module instance: what this module did, read by metrics routes and tests
    {
      provide: IssuerKeyResolvers,
      useFactory: (o: ResolvedLogtoAuthOptions, counters: LogtoAuthCounters) => new IssuerKeyResolvers(o, counters),
      inject: [LOGTO_AUTH_OPTIONS, LogtoAuthCounters],
    },
    AccessTokenVerifier, // the one verification pipeline: LogtoAuthGuard and the passport strategy share it
    LogtoAuthStrategy, // registered with passport as `strategyName`, for AuthGuard('logto')
    LogtoUserValidation,
    VerifiedTokenCache, // one per module: every LogtoAuthGuard instance (APP_GUARD, @UseGuards) shares it
    LogtoTokenCache, // the public handle on it: clear() and size
    LogtoAuthContexts, // the channel layer (HTTP, GraphQL, gateways): inject it to add or replace a context type
    LogtoAuthGuard,
    GraphqlFieldResolversCheck, // fails start-up when a field resolver's @Scopes would not be enforced
    LogtoAuthStartup, // logs what is trusted and, with `warmUp`, fetches the keys: once per module instance
    { provide: LOGTO_AUTH_GUARD_CLASS, useValue: LogtoAuthGuard },
    GatewayGuardCheck, // NestJS 11: a gateway the global guard does not reach fails the start
    // Decided from the resolved options, so `global` works the same through forRootAsync (peer modules
    // that decide it before the async options exist register no guard at all).
    {
      provide: APP_GUARD,
      useFactory: (options: ResolvedLogtoAuthOptions, guard: LogtoAuthGuard) => (options.global ? guard : LET_THROUGH),
      inject: [LOGTO_AUTH_OPTIONS, LogtoAuthGuard],
    },
  ],
  // Everything LogtoAuthGuard injects, so `@UseGuards(LogtoAuthGuard)` resolves in any module.
  exports: [LOGTO_AUTH_OPTIONS, IssuerKeyResolvers, AccessTokenVerifier, LogtoUserValidation, VerifiedTokenCache, LogtoAuthContexts, LogtoAuthGuard, LogtoAuthCounters, LogtoTokenCache],
})
export class LogtoAuthModule extends ConfigurableLogtoAuthModule {}

import { Controller, DynamicModule, Get, Inject, Injectable, Module, Req, UseGuards } from '@nestjs/common';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import { passportJwtSecret } from 'jwks-rsa';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { BENCH_APP_CONFIG, BenchAppConfig, BenchRequest } from './bench-app-config';

/** The usual NestJS recipe: passport-jwt with jwks-rsa's passportJwtSecret (key cache and rate limit on). */
@Injectable()
class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(@Inject(BENCH_APP_CONFIG) config: BenchAppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: passportJwtSecret({ jwksUri: config.jwksUri, cache: true, rateLimit: true, jwksRequestsPerMinute: 5 }),
      issuer: config.issuer,
      audience: config.audience,
      algorithms: ['ES384'],
    });
  }

  validate(payload: { sub: string; scope?: string }) {
    return { sub: payload.sub, scopes: payload.scope?.split(' ') ?? [] };
  }
}

@Controller('documents')
class DocumentsController {
  @Get()
  @UseGuards(AuthGuard('jwt'))
  list(@Req() request: BenchRequest) {
    return { sub: request.user?.sub ?? 'anonymous' };
  }
}

@Module({})
class PassportRecipeAppModule {}

/** `AuthGuard('jwt')` + passport-jwt + jwks-rsa, as most NestJS tutorials write it. */
export function passportRecipeApp(config: BenchAppConfig): DynamicModule {
  return {
    module: PassportRecipeAppModule,
    imports: [PassportModule],
    providers: [{ provide: BENCH_APP_CONFIG, useValue: config }, JwtStrategy],
    controllers: [DocumentsController],
  };
}

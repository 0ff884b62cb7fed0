import { CanActivate, Inject, Controller, DynamicModule, ExecutionContext, ForbiddenException, Get, Injectable, Module, Req, UnauthorizedException, UseGuards } from '@nestjs/common';
import { createRemoteJWKSet, jwtVerify, JWTPayload } from 'jose';
import { BENCH_APP_CONFIG, BenchAppConfig, BenchRequest, REQUIRED_SCOPE } from './bench-app-config';

/** Logto's documented guard: `jwtVerify` against `createRemoteJWKSet`, then the scope check. */
@Injectable()
class JoseAuthGuard implements CanActivate {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(@Inject(BENCH_APP_CONFIG) private readonly config: BenchAppConfig) {
    this.jwks = createRemoteJWKSet(new URL(config.jwksUri));
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ headers: { authorization?: string }; user?: JWTPayload }>();
    const [scheme, token] = request.headers.authorization?.split(' ') ?? [];
    if (scheme !== 'Bearer' || !token) throw new UnauthorizedException();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, { issuer: this.config.issuer, audience: this.config.audience }));
    } catch {
      throw new UnauthorizedException();
    }
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
    if (!scopes.includes(REQUIRED_SCOPE)) throw new ForbiddenException();
    request.user = payload;
    return true;
  }
}

@Controller('documents')
class DocumentsController {
  @Get()
  @UseGuards(JoseAuthGuard)
  list(@Req() request: BenchRequest) {
    return { sub: request.user?.sub ?? 'anonymous' };
  }
}

@Module({})
class JoseGuardAppModule {}

/** The guard of Logto's API-protection guide for Node, written as a Nest guard. */
export function joseGuardApp(config: BenchAppConfig): DynamicModule {
  return {
    module: JoseGuardAppModule,
    providers: [{ provide: BENCH_APP_CONFIG, useValue: config }, JoseAuthGuard],
    controllers: [DocumentsController],
  };
}

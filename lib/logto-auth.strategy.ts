import { HttpStatus, Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import passport, { Strategy } from 'passport';
import { LOGTO_AUTH_OPTIONS } from './logto-auth.constants';
import { ResolvedLogtoAuthOptions } from './logto-auth.options';
import { refusalOf } from './errors/logto-auth.exception';
import { AuthorizationSource, bearerTokenOf, readAuthorizationHeader } from './token/bearer-token';
import { AccessTokenVerifier } from './token/access-token.verifier';
import { VerifiedTokenCache } from './cache/verified-token-cache';

/**
 * The module's passport strategy, registered with passport under `strategyName` (default `logto`), so
 * `@UseGuards(AuthGuard('logto'))` works and composes with other strategies (`AuthGuard(['logto', 'api-key'])`).
 * It verifies the Bearer token with the same verifier and the same verified-token cache as `LogtoAuthGuard`
 * (a token verified on either path is a cache hit on the other) and sets `request.user`.
 * A refusal is a passport failure (`fail`), so the next strategy of a chain gets its turn; the failure's
 * challenge (`info` in `handleRequest`) is the `LogtoAuthException`. A JWKS outage is a passport error:
 * it ends the chain with 503 `auth.jwks_unavailable`, as nothing can be decided.
 * @internal
 */
@Injectable()
export class LogtoAuthStrategy extends Strategy implements OnModuleDestroy {
  private readonly logger = new Logger('LogtoAuth');
  override readonly name: string;

  constructor(
    @Inject(LOGTO_AUTH_OPTIONS) options: ResolvedLogtoAuthOptions,
    private readonly verifier: AccessTokenVerifier,
    private readonly tokenCache: VerifiedTokenCache,
  ) {
    super();
    this.name = options.strategyName;
    passport.use(this.name, this);
  }

  // passport calls this on a copy of the strategy that carries this request's success, fail and error.
  override authenticate(request: AuthorizationSource): void {
    new Promise<string>((resolve) => resolve(bearerTokenOf(readAuthorizationHeader(request))))
      .then((token) => this.tokenCache.userOf(token, () => this.verifier.verify(token))) // LogtoAuthGuard's cache
      .then(
        (user) => this.success(user),
        (error: unknown) => this.refuse(error),
      );
  }

  // Another module's strategy of the same name (a later app in the process) stays registered.
  onModuleDestroy(): void {
    if ((passport as unknown as { _strategy(name: string): unknown })._strategy(this.name) === this) passport.unuse(this.name);
  }

  private refuse(error: unknown): void {
    const exception = refusalOf(error, this.logger);
    if (exception.rule.status === HttpStatus.SERVICE_UNAVAILABLE) this.error(exception);
    else this.fail(exception, exception.rule.status);
  }
}

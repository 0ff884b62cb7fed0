import { CanActivate, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { LOGTO_AUTH_OPTIONS } from './logto-auth.constants';
import { ResolvedLogtoAuthOptions } from './logto-auth.options';
import { LogtoStrategy } from './logto.strategy';
import { LogtoAuthException } from './errors/logto-auth.exception';
import { jwtErrorReason } from './token/jwt-error-reason';
import { challengeHeaders } from './errors/www-authenticate';
import { AuthorizationSource, extractBearerToken, readAuthorizationHeader } from './token/bearer-token';
import { assertScopes, RouteAuthRulesReader } from './scopes/route-auth-rules';
import { LogtoUser } from './interfaces/logto-user.interface';
import { assertOrganization, RouteParams } from './organizations/assert-organization';
import { LogtoUserValidation } from './validation/logto-user-validation';

type HttpRequest = AuthorizationSource & { user?: LogtoUser; params?: RouteParams };

/**
 * Authenticates every request with a Logto access token and enforces `@Scopes()` / `@AnyScope()`,
 * `@RequireOrganization()` and the `validate` / `validator` option.
 * Registered for all routes by default; with `global: false`, apply it with `@UseGuards(LogtoAuthGuard)`.
 */
@Injectable()
export class LogtoAuthGuard implements CanActivate {
  private readonly logger = new Logger('LogtoAuth');
  private readonly routeRules: RouteAuthRulesReader;

  constructor(
    @Inject(LOGTO_AUTH_OPTIONS) private readonly options: ResolvedLogtoAuthOptions,
    private readonly strategy: LogtoStrategy,
    private readonly adapterHost: HttpAdapterHost,
    private readonly userValidation: LogtoUserValidation,
    reflector: Reflector,
  ) {
    this.routeRules = new RouteAuthRulesReader(reflector);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rules = this.routeRules.read(context);
    if (rules.isPublic) return true;
    if (context.getType() !== 'http') throw new LogtoAuthException('execution_context_not_supported');
    const request = context.switchToHttp().getRequest<HttpRequest>();
    try {
      const token = extractBearerToken(readAuthorizationHeader(request)); // header -> token
      const user = await this.verify(token); // -> key -> verified claims -> LogtoUser
      request.user = user; // guards after this one, and @CurrentUser(), read it here
      assertScopes(user.scopes, rules); // -> scope check
      assertOrganization(user, rules.organization, request.params, this.options); // -> organization rules
      await this.userValidation.assert(user); // -> the application's own rule -> handler
      return true;
    } catch (error) {
      throw this.refuse(context, error);
    }
  }

  /**
   * Turns passport's outcome into a user or the precise refusal; never passes on a library's message,
   * which can name the expected issuer and audience.
   */
  handleRequest(error: unknown, user: LogtoUser | undefined, info: unknown): LogtoUser {
    const failure = error ?? info;
    if (failure instanceof LogtoAuthException) throw failure;
    if (failure !== undefined || !user) throw new LogtoAuthException(jwtErrorReason(failure));
    return user;
  }

  private async verify(token: string): Promise<LogtoUser> {
    const { error, user, info } = await this.strategy.authenticateToken(token);
    return this.handleRequest(error, user, info);
  }

  private refuse(context: ExecutionContext, error: unknown): LogtoAuthException {
    const exception = error instanceof LogtoAuthException ? error : this.unexpected(error);
    this.logger.debug?.(`refused ${exception.code}: ${exception.reason}`);
    const response = context.switchToHttp().getResponse();
    for (const [name, value] of Object.entries(challengeHeaders(exception, this.options.realm))) {
      this.adapterHost.httpAdapter.setHeader(response, name, value);
    }
    return exception;
  }

  // Fail closed: a fault in verification refuses the request; it never lets it through or becomes a 500.
  private unexpected(error: unknown): LogtoAuthException {
    this.logger.error(`unexpected ${error instanceof Error ? error.name : typeof error} while verifying a token`);
    return new LogtoAuthException('malformed_token');
  }
}

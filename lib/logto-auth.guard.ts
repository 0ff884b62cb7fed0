import { CanActivate, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { LOGTO_AUTH_OPTIONS } from './logto-auth.constants';
import { ResolvedLogtoAuthOptions } from './logto-auth.options';
import { LogtoStrategy } from './logto.strategy';
import { LogtoAuthException } from './errors/logto-auth.exception';
import { jwtErrorReason } from './token/jwt-error-reason';
import { extractBearerToken, readAuthorizationHeader } from './token/bearer-token';
import { assertScopes, RouteAuthRulesReader } from './scopes/route-auth-rules';
import { LogtoUser } from './interfaces/logto-user.interface';
import { AuthRequest } from './context/auth-context';
import { AuthContexts } from './context/auth-contexts';
import { assertOrganization } from './organizations/assert-organization';
import { LogtoUserValidation } from './validation/logto-user-validation';
import { VerifiedTokenCache } from './cache/verified-token-cache';
import { SharedVerifications } from './cache/shared-verifications';

/**
 * Authenticates every request with a Logto access token and enforces `@Scopes()` / `@AnyScope()`,
 * `@RequireOrganization()` and the `validate` / `validator` option, on REST controllers, GraphQL
 * resolvers and Socket.IO gateways; other contexts are refused unless `@Public()`. On `@OptionalAuth()`
 * routes a request without an Authorization header passes with no user.
 * Registered for all routes by default; with `global: false`, apply it with `@UseGuards(LogtoAuthGuard)`.
 */
@Injectable()
export class LogtoAuthGuard implements CanActivate {
  private readonly logger = new Logger('LogtoAuth');
  private readonly routeRules: RouteAuthRulesReader;
  private readonly contexts: AuthContexts;
  private readonly verifications = new SharedVerifications();

  /**
   * Built by Nest's injector only. `@internal`: left out of the published typings, so they name none of
   * the internals (the passport-jwt strategy, the cache) and need no passport types to compile.
   * @internal
   */
  constructor(
    @Inject(LOGTO_AUTH_OPTIONS) private readonly options: ResolvedLogtoAuthOptions,
    private readonly strategy: LogtoStrategy,
    private readonly tokenCache: VerifiedTokenCache,
    private readonly adapterHost: HttpAdapterHost,
    private readonly userValidation: LogtoUserValidation,
    reflector: Reflector,
  ) {
    this.routeRules = new RouteAuthRulesReader(reflector);
    this.contexts = new AuthContexts(this.adapterHost, this.options);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rules = this.routeRules.read(context);
    if (rules.isPublic) return true;
    const channel = this.contexts.of(context); // HTTP, GraphQL, WebSocket or unsupported (microservices)
    try {
      const request = channel.getRequest(context);
      // @OptionalAuth(): no Authorization header at all -> no user; a header, even empty, is checked in full.
      if (rules.isOptional && readAuthorizationHeader(request) === undefined) return true;
      const user = await this.authenticateOnce(request); // once per request (every GraphQL field) or connection
      channel.assertStillValid?.(context, user); // a connection outlives its token: each message checks exp
      assertScopes(user.scopes, rules); // -> scope check
      assertOrganization(user, rules.organization, request.params, this.options); // -> organization rules
      await this.userValidation.assert(user); // -> the application's own rule
      channel.setUser(context, request, user); // only now: guards after this one and @CurrentUser() read it
      return true;
    } catch (error) {
      throw await channel.refuse(context, this.toRefusal(error)); // headers, GraphQL error or WsException
    }
  }

  /**
   * Forgets every verified token (the module's one cache, shared by every LogtoAuthGuard instance), so
   * the next request with each token is verified in full again. The cache itself is not public.
   *
   * @example
   * app.get(LogtoAuthGuard).clearTokenCache();
   */
  clearTokenCache(): void {
    this.tokenCache.clear();
  }

  /**
   * Verifies a Socket.IO connection's handshake token as it opens: call it from the gateway's
   * `handleConnection`. A client without a valid token is told why (`exception` event) and disconnected
   * at once, instead of at its first message. Never throws.
   *
   * @example
   * @WebSocketGateway()
   * export class EventsGateway implements OnGatewayConnection {
   *   constructor(private readonly logtoAuth: LogtoAuthGuard) {}
   *   handleConnection(client: Socket) { return this.logtoAuth.authenticateConnection(client); }
   * }
   */
  async authenticateConnection(client: object): Promise<LogtoUser | undefined> {
    const sockets = this.contexts.webSocket;
    try {
      const request = sockets.connectionRequest(client);
      const user = await this.authenticateOnce(request); // shared with the connection's first messages
      sockets.keepWhileValid(client, user);
      await this.userValidation.assert(user);
      sockets.remember(client, request, user);
      return user;
    } catch (error) {
      sockets.refuseConnection(client, this.toRefusal(error));
      return undefined;
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

  // The outcome, refusals included, is remembered for this request or connection only (see SharedVerifications).
  private authenticateOnce(request: AuthRequest): Promise<LogtoUser> {
    return this.verifications.forRequest(request, () => this.authenticate(request));
  }

  private async authenticate(request: AuthRequest): Promise<LogtoUser> {
    const token = extractBearerToken(readAuthorizationHeader(request)); // header -> token
    return this.verify(token); // -> cache hit, or key -> verified claims -> LogtoUser
  }

  private async verify(token: string): Promise<LogtoUser> {
    // A hit skips passport and the signature; concurrent misses of one token share one verification.
    return this.tokenCache.get(token) ?? this.verifications.forToken(token, () => this.verifyInFull(token));
  }

  private async verifyInFull(token: string): Promise<LogtoUser> {
    const ticket = this.tokenCache.ticket();
    const { error, user, info, kid } = await this.strategy.authenticateToken(token);
    const verified = this.handleRequest(error, user, info);
    this.tokenCache.remember(token, verified, kid, ticket); // reached only by a token that passed every check
    return verified;
  }

  private toRefusal(error: unknown): LogtoAuthException {
    const exception = error instanceof LogtoAuthException ? error : this.unexpected(error);
    const detail = exception.details.logDetail;
    this.logger.debug?.(`refused ${exception.code}: ${exception.reason}${detail === undefined ? '' : ` (${detail})`}`);
    return exception;
  }

  // Fail closed: a fault in verification refuses the request; it never lets it through or becomes a 500.
  private unexpected(error: unknown): LogtoAuthException {
    this.logger.error(`unexpected ${error instanceof Error ? error.name : typeof error} while verifying a token`);
    return new LogtoAuthException('malformed_token');
  }
}

import { CanActivate, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { LOGTO_AUTH_OPTIONS } from './logto-auth.constants';
import { ResolvedLogtoAuthOptions } from './logto-auth.options';
import { LogtoAuthException, refusalOf } from './errors/logto-auth.exception';
import { AccessTokenVerifier } from './token/access-token.verifier';
import { bearerTokenOf, readAuthorizationHeader } from './token/bearer-token.extractor';
import { assertScopes, RouteAuthRules, RouteAuthRulesReader } from './scopes/route-auth.rules';
import { LogtoUser } from './interfaces/logto-user.interface';
import { AuthContext, AuthRequest } from './context/auth-context.interface';
import { LogtoAuthContexts } from './context/logto-auth.contexts';
import { AuthConnection, ConnectionExpiry, ConnectionTransport, rememberUser } from './context/auth.connection';
import { GraphqlWsContext, graphqlWsConnection, graphqlWsTransport } from './context/graphql-ws.connection';
import { gatewayConnection, gatewayTransport } from './context/socket.connection';
import { assertOrganization } from './scopes/route-organization.rules';
import { LogtoUserValidation } from './logto-user.validation';
import { VerifiedTokenCache } from './cache/verified-token.cache';
import { RequestOutcomes } from './cache/request-outcomes.cache';
import { LogtoAuthCounters } from './logto-auth.counters';

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
  private readonly outcomes = new RequestOutcomes();
  private readonly connectionExpiry: ConnectionExpiry;

  /**
   * Built by Nest's injector only. `@internal`: left out of the published typings, so they name none of
   * the internals (the verifier, the cache) and need no passport types to compile.
   * @internal
   */
  constructor(
    @Inject(LOGTO_AUTH_OPTIONS) private readonly options: ResolvedLogtoAuthOptions,
    private readonly verifier: AccessTokenVerifier,
    private readonly tokenCache: VerifiedTokenCache,
    private readonly userValidation: LogtoUserValidation,
    reflector: Reflector,
    private readonly contexts: LogtoAuthContexts,
    private readonly counters: LogtoAuthCounters,
  ) {
    this.routeRules = new RouteAuthRulesReader(reflector);
    this.connectionExpiry = new ConnectionExpiry(options.clockTolerance);
  }

  /**
   * The request's path: route rules -> Authorization header -> user (the verified-token cache, else one
   * verification) -> still valid -> scopes -> organization -> the application's rule -> user handed over.
   * A cache hit on a module without a `validate` / `validator` rule is answered at once, without a promise
   * (Nest awaits either); a verification, an application rule and every refusal settle as a promise.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const rules = this.routeRules.read(context);
    if (rules.isPublic) return true;
    const channel = this.channelOf(context); // HTTP, GraphQL, WebSocket or unsupported (microservices)
    try {
      const request = channel.getRequest(context);
      // @OptionalAuth(): no Authorization header at all -> no user; a header, even empty, is checked in full.
      if (rules.isOptional && readAuthorizationHeader(request) === undefined) return true;
      const user = this.authenticateOnce(request); // once per request (every GraphQL field) or connection
      if (user instanceof Promise || this.userValidation.isConfigured) return this.admitOnceSettled(context, channel, request, rules, user);
      this.assertAllowed(context, channel, request, rules, user);
      channel.setUser(context, request, user); // only now: guards after this one and @CurrentUser() read it
      return true;
    } catch (error) {
      return this.refuse(context, channel, error);
    }
  }

  // The same path once the user is known: after a verification, or with the application's own rule to await.
  private async admitOnceSettled(
    context: ExecutionContext,
    channel: AuthContext,
    request: AuthRequest,
    rules: RouteAuthRules,
    pending: LogtoUser | Promise<LogtoUser>,
  ): Promise<boolean> {
    try {
      const user = await pending;
      this.assertAllowed(context, channel, request, rules, user);
      await this.userValidation.assert(user); // -> the application's own rule
      channel.setUser(context, request, user);
      return true;
    } catch (error) {
      return this.refuse(context, channel, error);
    }
  }

  // What the route asks of a verified caller, the application's own rule aside.
  private assertAllowed(context: ExecutionContext, channel: AuthContext, request: AuthRequest, rules: RouteAuthRules, user: LogtoUser): void {
    channel.assertStillValid?.(context, user); // a connection outlives its token: each message checks exp
    assertScopes(user.scopes, rules); // -> scope check
    assertOrganization(user, rules.organization, request, this.options); // -> organization rules
  }

  // Always a rejected promise, so that a refusal reaches every caller the same way.
  private async refuse(context: ExecutionContext, channel: AuthContext, error: unknown): Promise<never> {
    throw await channel.refuse(context, this.toRefusal(error)); // headers, GraphQL error or WsException
  }

  /**
   * Verifies a gateway connection's token as it opens: call it from the gateway's `handleConnection`.
   * Socket.IO: the handshake's token (optional: else the first guarded message verifies it). Plain `ws`
   * (`@nestjs/platform-ws`): required, with the upgrade request, which only `handleConnection` receives.
   * A client without a valid token is told why and disconnected at once, instead of at its first
   * message. Never throws.
   *
   * @example
   * @WebSocketGateway()
   * export class EventsGateway implements OnGatewayConnection {
   *   constructor(private readonly logtoAuth: LogtoAuthGuard) {}
   *   handleConnection(client: Socket) { return this.logtoAuth.authenticateConnection(client); }
   *   // with @nestjs/platform-ws: handleConnection(client: WebSocket, request: IncomingMessage) {
   *   //   return this.logtoAuth.authenticateConnection(client, request); }
   * }
   */
  async authenticateConnection(client: object, upgradeRequest?: object): Promise<LogtoUser | undefined> {
    return this.openConnection(gatewayTransport(client), () => gatewayConnection(client, upgradeRequest as AuthRequest | undefined));
  }

  /**
   * The `onConnect` of a graphql-ws server (`@nestjs/graphql`'s `subscriptions: { 'graphql-ws': { onConnect } }`):
   * verifies the token of the `connection_init` payload's `Authorization` entry (`Bearer <token>`) once, as
   * the connection opens. `true` accepts it; a refused connection is closed with 4401 / 4403 (1013 while the
   * signing keys are unavailable) and the module's code as the close reason, and `false` is returned.
   * Operations over it then check only `exp`, and the connection is closed at `exp` + `clockTolerance`.
   * Never throws.
   *
   * @example
   * GraphQLModule.forRootAsync<ApolloDriverConfig>({
   *   driver: ApolloDriver,
   *   inject: [LogtoAuthGuard],
   *   useFactory: (logtoAuth: LogtoAuthGuard) => ({
   *     autoSchemaFile: true,
   *     subscriptions: { 'graphql-ws': { onConnect: (context) => logtoAuth.authenticateGraphqlWsConnection(context) } },
   *   }),
   * });
   */
  async authenticateGraphqlWsConnection(context: object): Promise<boolean> {
    const graphqlWs = context as GraphqlWsContext;
    return (await this.openConnection(graphqlWsTransport(graphqlWs), () => graphqlWsConnection(graphqlWs))) !== undefined;
  }

  /**
   * The channel of an execution context. Override it in a subclass to pick another `AuthContext` for some
   * executions; to add or replace one for a context type everywhere, use `LogtoAuthContexts.use()`.
   */
  protected channelOf(context: ExecutionContext): AuthContext {
    return this.contexts.of(context);
  }

  // A connection's token, checked once as it opens (the outcome is shared with its first messages).
  private async openConnection(transport: ConnectionTransport, open: () => AuthConnection): Promise<LogtoUser | undefined> {
    try {
      const connection = open();
      const user = await this.authenticateOnce(connection.request);
      this.connectionExpiry.keepWhileValid(connection, user);
      await this.userValidation.assert(user);
      rememberUser(connection, user);
      return user;
    } catch (error) {
      transport.refuse(this.toRefusal(error));
      return undefined;
    }
  }

  /**
   * Header -> token -> user. A cache hit is served at once (its lookup costs less than remembering it);
   * a miss is verified once per request or connection, its outcome (refusals included) remembered for it
   * only (see RequestOutcomes), and once at a time per token, with the passport strategy's (the cache's).
   */
  private authenticateOnce(request: AuthRequest): LogtoUser | Promise<LogtoUser> {
    const token = bearerTokenOf(readAuthorizationHeader(request));
    return (
      this.tokenCache.get(token) ??
      // the one pipeline, shared with the passport strategy
      this.outcomes.forRequest(request, () => this.tokenCache.verifyOnce(token, () => this.verifier.verify(token)))
    );
  }

  // Fail closed: a fault in verification refuses the request; it never lets it through or becomes a 500.
  private toRefusal(error: unknown): LogtoAuthException {
    const exception = refusalOf(error, this.logger);
    this.counters.countRefusal(exception.code);
    const detail = exception.details.logDetail;
    this.logger.debug?.(`refused ${exception.code}: ${exception.reason}${detail === undefined ? '' : ` (${detail})`}`);
    return exception;
  }
}

import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { LOGTO_AUTH_OPTIONS } from '../logto-auth.constants';
import type { ResolvedLogtoAuthOptions } from '../logto-auth.options';
import { LogtoUser } from '../interfaces/logto-user.interface';
import { AuthContext } from './auth-context.interface';
import { GraphqlAuthContext } from './graphql.context';
import { HttpAuthContext } from './http.context';
import { UnsupportedAuthContext } from './unsupported.context';
import { WebSocketAuthContext } from './websocket.context';

// What `@CurrentUser()` reads through: a parameter decorator has no injector, so the contexts registered
// by `use()` are also kept here by type (the built-in ones read only the execution, never the options).
const forCurrentUser = new Map<string, AuthContext>();
const unsupported = new UnsupportedAuthContext();

/**
 * The channel layer of `LogtoAuthGuard`: picks the `AuthContext` for an execution context by its type
 * (`http`, `graphql`, `ws`; anything else is refused unless `@Public()`), for the guard and for
 * `@CurrentUser()` alike. Registered by `LogtoAuthModule`; inject it to add a context type or replace one.
 *
 * @example
 * @Injectable()
 * export class RpcAuth implements OnModuleInit {
 *   constructor(private readonly contexts: LogtoAuthContexts) {}
 *   onModuleInit() { this.contexts.use('rpc', new MyRpcAuthContext()); }
 * }
 */
@Injectable()
export class LogtoAuthContexts {
  private readonly byType = new Map<string, AuthContext>();

  /** Built by Nest's injector only. @internal */
  constructor(@Inject(LOGTO_AUTH_OPTIONS) options: ResolvedLogtoAuthOptions, adapterHost: HttpAdapterHost) {
    this.use('http', new HttpAuthContext(adapterHost, options.realm));
    this.use('graphql', new GraphqlAuthContext(options.realm, options.clockTolerance));
    this.use('ws', new WebSocketAuthContext(options.clockTolerance));
  }

  /**
   * Serves execution contexts of `type` (`context.getType()`) with `context`, replacing any before. The
   * guard's request path (route rules, token, cache, scopes, organization, validator) stays the same.
   * `@CurrentUser()` reads through the last context registered for a type in the process.
   */
  use(type: string, context: AuthContext): this {
    this.byType.set(type, context);
    forCurrentUser.set(type, context);
    return this;
  }

  /** The `AuthContext` for this execution: the one dispatch of the guard and of `@CurrentUser()`. */
  of(context: ExecutionContext): AuthContext {
    return this.byType.get(context.getType<string>()) ?? unsupported;
  }
}

/** The user `LogtoAuthGuard` verified for this execution, in whichever context it runs. */
export function currentUserOf(context: ExecutionContext): LogtoUser | undefined {
  return (forCurrentUser.get(context.getType<string>()) ?? unsupported).getUser(context);
}

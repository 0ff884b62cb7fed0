import { ExecutionContext } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ResolvedLogtoAuthOptions } from '../logto-auth.options';
import { AuthContext } from './auth-context';
import { GraphqlAuthContext } from './graphql.context';
import { HttpAuthContext } from './http.context';
import { UnsupportedAuthContext } from './unsupported.context';
import { WebSocketAuthContext } from './websocket.context';

/** Picks the `AuthContext` for an execution context by its type: `http`, `graphql`, `ws`, or anything else. */
export class AuthContexts {
  readonly webSocket: WebSocketAuthContext;
  private readonly byType: Readonly<Record<string, AuthContext>>;
  private readonly unsupported = new UnsupportedAuthContext();

  constructor(adapterHost: HttpAdapterHost, options: ResolvedLogtoAuthOptions) {
    this.webSocket = new WebSocketAuthContext(options.clockTolerance);
    this.byType = {
      http: new HttpAuthContext(adapterHost, options.realm),
      graphql: new GraphqlAuthContext(options.realm),
      ws: this.webSocket,
    };
  }

  of(context: ExecutionContext): AuthContext {
    return this.byType[context.getType<string>()] ?? this.unsupported;
  }
}

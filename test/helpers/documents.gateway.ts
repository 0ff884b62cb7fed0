import { ConnectedSocket, OnGatewayConnection, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { UseGuards } from '@nestjs/common';
import { CurrentUser, LogtoAuthGuard, LogtoUser, Public, Scopes } from '../../lib';
import { globalGuardsReachGateways } from '../../lib/context/gateway-guard.check';

// NestJS 11 runs no global guard on gateways (the module refuses to start if a gateway lacks its own);
// on NestJS 12 the suite relies on the global guard alone, as most apps will.
const ownGuardOnNest11: ClassDecorator = globalGuardsReachGateways() ? () => undefined : UseGuards(LogtoAuthGuard);

/** The Socket.IO twin of `DocumentsController`: the same decorators on message handlers. */
@WebSocketGateway()
@ownGuardOnNest11
@Scopes('read:documents')
export class DocumentsGateway {
  @SubscribeMessage('whoami')
  whoami(@CurrentUser() user: LogtoUser) {
    return { sub: user.sub, scopes: user.scopes };
  }

  @SubscribeMessage('dataUser')
  dataUser(@ConnectedSocket() client: { data: { user?: LogtoUser } }) {
    return client.data.user?.sub;
  }

  @SubscribeMessage('create')
  @Scopes('write:documents')
  create(@CurrentUser('sub') sub: string) {
    return { created: true, sub };
  }

  @SubscribeMessage('ping')
  @Public()
  ping() {
    return 'pong';
  }

  /** Whom the connection is attached to, seen by a handler open to anyone. */
  @SubscribeMessage('attachedUser')
  @Public()
  attachedUser(@ConnectedSocket() client: { data: { user?: LogtoUser } }, @CurrentUser('sub') sub: string | undefined) {
    return { dataUser: client.data.user?.sub ?? null, currentUser: sub ?? null };
  }
}

/** A gateway that refuses clients without a valid token as they connect, not at their first message. */
@WebSocketGateway({ namespace: 'strict' })
@ownGuardOnNest11
export class StrictDocumentsGateway implements OnGatewayConnection {
  constructor(private readonly logtoAuth: LogtoAuthGuard) {}

  handleConnection(client: object) {
    return this.logtoAuth.authenticateConnection(client);
  }

  @SubscribeMessage('whoami')
  whoami(@CurrentUser('sub') sub: string) {
    return { sub };
  }
}

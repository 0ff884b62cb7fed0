import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { CurrentUser, LogtoUser, Public, Scopes } from '../../lib';

/** The Socket.IO twin of `DocumentsController`: the same decorators on message handlers. */
@WebSocketGateway()
@Scopes('read:documents')
export class DocumentsGateway {
  @SubscribeMessage('whoami')
  whoami(@CurrentUser() user: LogtoUser) {
    return { sub: user.sub, scopes: user.scopes };
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
}

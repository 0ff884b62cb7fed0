import { Injectable, UseGuards } from '@nestjs/common';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { describe, expect, it } from 'vitest';
import { LogtoAuthGuard, OptionalAuth, Public } from '../../../lib';
import { assertGatewaysGuarded, globalGuardsReachGateways } from '../../../lib/context/gateway-guard.check';

@WebSocketGateway()
class UnguardedGateway {
  @SubscribeMessage('read') read() {}
}

@WebSocketGateway()
@UseGuards(LogtoAuthGuard)
class GuardedGateway {
  @SubscribeMessage('read') read() {}
}

@WebSocketGateway()
class HandlerGuardedGateway {
  @SubscribeMessage('read') @UseGuards(LogtoAuthGuard) read() {}
  @SubscribeMessage('ping') @Public() ping() {}
}

@Injectable()
class OtherGuard {
  canActivate() {
    return true;
  }
}
class StricterLogtoGuard extends LogtoAuthGuard {}

@WebSocketGateway()
@UseGuards(OtherGuard)
class OtherGuardGateway {
  @SubscribeMessage('read') read() {}
  @SubscribeMessage('ping') @Public() ping() {}
}

@WebSocketGateway()
@UseGuards(StricterLogtoGuard)
class SubclassGuardedGateway {
  @SubscribeMessage('read') read() {}
}

@WebSocketGateway()
class OptionalHandlerGateway {
  @SubscribeMessage('feed') @OptionalAuth() @Public() feed() {}
}

@WebSocketGateway()
@Public()
@OptionalAuth()
class OptionalGateway {
  @SubscribeMessage('feed') feed() {}
  @SubscribeMessage('ping') @Public() ping() {}
}

describe('the NestJS 11 gateway check (global guards do not reach gateways there)', () => {
  it('refuses to start with a gateway that names no LogtoAuthGuard, and says how to fix it', () => {
    expect(() => assertGatewaysGuarded([GuardedGateway, UnguardedGateway, OtherGuardGateway], LogtoAuthGuard, false)).toThrow(
      'NestJS 11 does not run global guards on WebSocket gateways, so UnguardedGateway, OtherGuardGateway would answer clients without a token. Add @UseGuards(LogtoAuthGuard) to the gateway class',
    );
  });

  it('accepts the guard on the class, on each handler beside @Public ones, or a subclass of it', () => {
    expect(() => assertGatewaysGuarded([GuardedGateway, HandlerGuardedGateway, SubclassGuardedGateway], LogtoAuthGuard, false)).not.toThrow();
  });

  // Without the guard, a token sent to an @OptionalAuth() handler would be ignored instead of checked.
  it('asks for the guard on @OptionalAuth() handlers, even beside @Public() on the same target', () => {
    expect(() => assertGatewaysGuarded([OptionalHandlerGateway, OptionalGateway], LogtoAuthGuard, false)).toThrow(
      'so OptionalHandlerGateway, OptionalGateway would answer clients without a token',
    );
  });

  it('asks nothing where the global guard reaches gateways (NestJS 12)', () => {
    expect(() => assertGatewaysGuarded([UnguardedGateway], LogtoAuthGuard, true)).not.toThrow();
  });

  it('reads the installed @nestjs/websockets major', async () => {
    const { readFileSync } = await import('node:fs');
    const version = JSON.parse(readFileSync(require.resolve('@nestjs/websockets').replace(/index\.js$/, 'package.json'), 'utf8')).version as string;
    expect(globalGuardsReachGateways()).toBe(Number(version.split('.')[0]) >= 12);
  });
});

import { Inject, Injectable, OnModuleInit, Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { IS_PUBLIC_KEY, LOGTO_AUTH_OPTIONS, OPTIONAL_AUTH_KEY } from '../logto-auth.constants';
import type { ResolvedLogtoAuthOptions } from '../logto-auth.options';

// The metadata keys of @nestjs/common's @UseGuards and @nestjs/websockets' @WebSocketGateway /
// @SubscribeMessage (written out: the two majors ship their constants under different paths).
const GUARDS_METADATA = '__guards__';
const GATEWAY_METADATA = 'websockets:is_gateway';
const MESSAGE_MAPPING_METADATA = 'websockets:message_mapping';

/** Injection token of the guard class a gateway must name (LogtoAuthGuard). */
export const LOGTO_AUTH_GUARD_CLASS = Symbol('LOGTO_AUTH_GUARD_CLASS');

/**
 * NestJS 11's `@nestjs/websockets` builds gateway guards without the application config, so global
 * guards (APP_GUARD, where this module registers its guard) never run on gateway messages there: a
 * gateway would answer every client, token or not, while HTTP routes are protected. NestJS 12 runs them.
 * Fail closed (the gateway must name the guard itself) instead of serving it unprotected.
 */
@Injectable()
export class GatewayGuardCheck implements OnModuleInit {
  constructor(
    @Inject(LOGTO_AUTH_OPTIONS) private readonly options: ResolvedLogtoAuthOptions,
    private readonly modules: ModulesContainer,
    /** LogtoAuthGuard, given by the module (this file sits below it). */
    @Inject(LOGTO_AUTH_GUARD_CLASS) private readonly guard: Type,
  ) {}

  onModuleInit(): void {
    if (!this.options.global) return; // the application guards each route and gateway itself
    const gateways = [...this.modules.values()].flatMap((module) =>
      [...module.providers.values()].flatMap(({ metatype }) =>
        typeof metatype === 'function' && Reflect.getMetadata(GATEWAY_METADATA, metatype) ? [metatype as Type] : [],
      ),
    );
    if (gateways.length === 0) return;
    assertGatewaysGuarded(gateways, this.guard, globalGuardsReachGateways());
  }
}

/**
 * Unless global guards reach gateways, throws naming each gateway with a message handler that is neither
 * `@Public()` nor under `guard` (or a subclass of it) by `@UseGuards` on the class or the handler.
 */
export function assertGatewaysGuarded(gateways: readonly Type[], guard: Type, globalGuardsReach: boolean): void {
  if (globalGuardsReach) return;
  const unguarded = gateways.filter((gateway) => handlersOf(gateway).some((handler) => !guardedOrPublic(gateway, handler, guard))).map((gateway) => gateway.name);
  if (unguarded.length === 0) return;
  throw new Error(
    `LogtoAuthModule: NestJS 11 does not run global guards on WebSocket gateways, so ${unguarded.join(', ')} ` +
      `would answer clients without a token. Add @UseGuards(LogtoAuthGuard) to the gateway class ` +
      `(harmless on NestJS 12, where the global guard runs too), or mark its public handlers @Public().`,
  );
}

/** Whether the installed @nestjs/websockets runs APP_GUARD guards on gateway messages (12 and later). */
export function globalGuardsReachGateways(): boolean {
  try {
    const entry = createRequire(__filename).resolve('@nestjs/websockets');
    // Read beside the entry point: NestJS 12 does not export its package.json.
    const { version } = JSON.parse(readFileSync(join(dirname(entry), 'package.json'), 'utf8')) as { version: string };
    return Number(version.split('.')[0]) >= 12;
  } catch {
    return false; // unknown: assume the older behaviour, and ask for the explicit guard
  }
}

function handlersOf(gateway: Type): ((...args: unknown[]) => unknown)[] {
  const prototype = gateway.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype)
    .map((name) => Object.getOwnPropertyDescriptor(prototype, name)?.value)
    .filter((value): value is (...args: unknown[]) => unknown => typeof value === 'function' && Reflect.getMetadata(MESSAGE_MAPPING_METADATA, value) === true);
}

function guardedOrPublic(gateway: Type, handler: object, guard: Type): boolean {
  // An @OptionalAuth() handler needs the guard too (a token sent must be checked), and beats @Public() as in the route rules.
  if ((accessMarker(handler) ?? accessMarker(gateway)) === 'public') return true;
  const guards = [...((Reflect.getMetadata(GUARDS_METADATA, gateway) as unknown[]) ?? []), ...((Reflect.getMetadata(GUARDS_METADATA, handler) as unknown[]) ?? [])];
  return guards.some((candidate) => candidate === guard || (typeof candidate === 'function' && candidate.prototype instanceof guard));
}

function accessMarker(target: object): 'public' | 'optional' | undefined {
  if (Reflect.getMetadata(OPTIONAL_AUTH_KEY, target) === true) return 'optional';
  return Reflect.getMetadata(IS_PUBLIC_KEY, target) === true ? 'public' : undefined;
}

import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ANY_SCOPE_KEY, IS_PUBLIC_KEY, OPTIONAL_AUTH_KEY, REQUIRE_ORGANIZATION_KEY, SCOPES_KEY } from '../logto-auth.constants';
import { LogtoAuthException, LogtoAuthExceptionDetails } from '../errors/logto-auth.exception';
import { OrganizationRequirement } from '../decorators/require-organization.decorator';

/** What a route asks of its caller, read once per handler from the decorators. */
export interface RouteAuthRules {
  /** `@Public()`: the Authorization header is not read at all. */
  readonly isPublic: boolean;
  /**
   * `@OptionalAuth()` on a route with no requirement: a request without an Authorization header passes
   * with no user; one with a header is authenticated as on any guarded route. Never true with `isPublic`.
   */
  readonly isOptional: boolean;
  /** `@Scopes()` of class and handler together: every one is required. */
  readonly allOf: readonly string[];
  /** One group per `@AnyScope()`: at least one scope of each group is required. */
  readonly anyOf: readonly (readonly string[])[];
  /** `@RequireOrganization()` of the handler, else of the class. */
  readonly organization?: OrganizationRequirement;
}

/** Decorator metadata never changes after class definition, so it is read once per class and handler. */
export class RouteAuthRulesReader {
  private readonly cache = new WeakMap<object, WeakMap<object, RouteAuthRules>>();

  constructor(private readonly reflector: Reflector) {}

  read(context: ExecutionContext): RouteAuthRules {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byController = this.cache.get(handler);
    if (!byController) this.cache.set(handler, (byController = new WeakMap()));
    let rules = byController.get(controller);
    if (!rules) byController.set(controller, (rules = readRouteAuthRules(this.reflector, handler, controller)));
    return rules;
  }
}

/** The rules of one handler, straight from the decorator metadata. */
export function readRouteAuthRules(reflector: Reflector, handler: object, controller: object): RouteAuthRules {
  const targets = [controller, handler] as Parameters<Reflector['get']>[1][];
  const access = openAccess(handler, controller);
  const allOf = new Set(targets.flatMap((target) => reflector.get<string[]>(SCOPES_KEY, target) ?? []));
  const anyOf = targets.flatMap((target) => reflector.get<string[][]>(ANY_SCOPE_KEY, target) ?? []);
  const organization = reflector.getAllAndOverride<OrganizationRequirement>(REQUIRE_ORGANIZATION_KEY, targets.slice().reverse());
  // Fail closed: no anonymous caller meets a requirement, so one from the class as well as the handler
  // makes an @OptionalAuth() route a guarded one (unlike @Public(), which opts a handler out of its class's).
  const requires = allOf.size > 0 || anyOf.length > 0 || organization !== undefined;
  return Object.freeze({
    isPublic: access === 'public',
    isOptional: access === 'optional' && !requires,
    allOf: Object.freeze([...allOf]),
    anyOf: Object.freeze(anyOf),
    ...(organization && { organization }),
  });
}

const REQUIREMENT_KEYS = [SCOPES_KEY, ANY_SCOPE_KEY, REQUIRE_ORGANIZATION_KEY];

/**
 * Fail closed: `@Public()` opens a route only where no requirement contradicts it. A requirement on
 * the same target as `@Public()` wins over it: a handler with its own @Scopes/@AnyScope/
 * @RequireOrganization always needs a token, and so does every handler of a class that carries both
 * `@Public()` and a requirement (a handler of its own may still be `@Public()`, as in a scoped class).
 * A class-level `@Public()` is not inherited by subclasses, which may add requirements a public base never had.
 * `@OptionalAuth()` follows the same rules; the handler's marker wins over its class's, and on one target
 * `@OptionalAuth()` wins over `@Public()`: it is the stricter (a token sent is checked, a bad one refused).
 */
function openAccess(handler: object, controller: object): 'public' | 'optional' | undefined {
  if (hasOwnRequirement(handler)) return undefined;
  return ownAccess(handler) ?? (hasOwnRequirement(controller) ? undefined : ownAccess(controller));
}

function ownAccess(target: object): 'public' | 'optional' | undefined {
  if (Reflect.getOwnMetadata(OPTIONAL_AUTH_KEY, target) === true) return 'optional';
  return Reflect.getOwnMetadata(IS_PUBLIC_KEY, target) === true ? 'public' : undefined;
}

function hasOwnRequirement(target: object): boolean {
  return REQUIREMENT_KEYS.some((key) => Reflect.hasOwnMetadata(key, target));
}

/** Exact, per-item matching: `read` never satisfies `read:documents`, nor the other way round. */
export function assertScopes(granted: readonly string[], { allOf, anyOf }: RouteAuthRules): void {
  // A route asks for a few scopes and a token holds a few: a linear search costs less than building a Set,
  // and a loop less than a callback per scope (this runs on every request, cache hits included).
  for (const scope of allOf) if (!granted.includes(scope)) throw insufficientScope(allOf, anyOf);
  for (const group of anyOf) if (!group.some((scope) => granted.includes(scope))) throw insufficientScope(allOf, anyOf);
}

function insufficientScope(allOf: readonly string[], anyOf: readonly (readonly string[])[]): LogtoAuthException {
  return new LogtoAuthException('insufficient_scope', scopeRequirement(allOf, anyOf));
}

/**
 * The route's whole requirement, as the challenge states it (RFC 6750 §3): `scope` holds every scope
 * needed on its own (@Scopes, and an @AnyScope of one scope); a group of alternatives is listed apart,
 * since "a b c" in `scope` reads as "all three". The whole requirement, not only what is missing: a
 * client that asks for a new token with just the missing scopes would lose the ones it had.
 */
function scopeRequirement(allOf: readonly string[], anyOf: readonly (readonly string[])[]): LogtoAuthExceptionDetails {
  const required = new Set([...allOf, ...anyOf.filter((group) => group.length === 1).flat()]);
  const alternatives = new Map<string, readonly string[]>();
  for (const group of anyOf) {
    // A group met by a required scope asks nothing more; the same group twice is said once.
    if (group.length > 1 && !group.some((scope) => required.has(scope))) alternatives.set(group.join(' '), group);
  }
  return {
    requiredScopes: [...required],
    ...(alternatives.size > 0 && { scopeAlternatives: [...alternatives.values()] }),
  };
}

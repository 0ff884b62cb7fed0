import 'reflect-metadata';
import { Reflector } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { AnyScope, OptionalAuth, Public, RequireOrganization, Scopes } from '../../../lib';
import { assertScopes, readRouteAuthRules } from '../../../lib/scopes/route-auth.rules';
import { reasonOf } from '../../helpers/reason-of';

type Access = 'public' | 'optional' | 'required';

/** How a handler of `controller` is reached: without a token, with an optional one, or only with one. */
function accessOf(controller: { prototype: object }, handler: string): Access {
  const rules = readRouteAuthRules(new Reflector(), (controller.prototype as Record<string, object>)[handler], controller);
  expect(rules.isPublic && rules.isOptional).toBe(false); // never both
  return rules.isPublic ? 'public' : rules.isOptional ? 'optional' : 'required';
}

class Plain {
  guarded() {}
  @OptionalAuth() optional() {}
  @Public() open() {}
  @OptionalAuth() @Public() both() {}
  @Public() @OptionalAuth() bothReversed() {}
  @OptionalAuth() @Scopes('read') scoped() {}
  @OptionalAuth() @AnyScope('a', 'b') anyScoped() {}
  @OptionalAuth() @RequireOrganization() organization() {}
}

@OptionalAuth()
class OptionalClass {
  inherits() {}
  @Public() open() {}
  @Scopes('read') scoped() {}
}

@Public()
class PublicClass {
  inherits() {}
  @OptionalAuth() optional() {}
}

@OptionalAuth()
@Public()
class OptionalAndPublicClass {
  inherits() {}
}

@OptionalAuth()
@Scopes('read')
class OptionalScopedClass {
  inherits() {}
  @Public() open() {}
}

@Scopes('read')
class ScopedClass {
  @OptionalAuth() optional() {}
  @Public() open() {}
}

@RequireOrganization()
class OrganizationClass {
  @OptionalAuth() optional() {}
}

class OptionalSubclass extends OptionalClass {
  own() {}
}

describe('reading @OptionalAuth() with the other route rules', () => {
  it('makes a handler optional, and leaves unmarked handlers guarded', () => {
    expect(accessOf(Plain, 'optional')).toBe('optional');
    expect(accessOf(Plain, 'guarded')).toBe('required');
    expect(accessOf(Plain, 'open')).toBe('public');
  });

  // Fail closed: @OptionalAuth() checks a token that is sent, @Public() would ignore it.
  it('wins over @Public() on the same target, in either order', () => {
    expect(accessOf(Plain, 'both')).toBe('optional');
    expect(accessOf(Plain, 'bothReversed')).toBe('optional');
    expect(accessOf(OptionalAndPublicClass, 'inherits')).toBe('optional');
  });

  it('loses to a requirement on the same handler: @Scopes, @AnyScope and @RequireOrganization need a token', () => {
    expect(accessOf(Plain, 'scoped')).toBe('required');
    expect(accessOf(Plain, 'anyScoped')).toBe('required');
    expect(accessOf(Plain, 'organization')).toBe('required');
  });

  it("loses to its class's requirement too (unlike @Public(), which opts a handler out of it)", () => {
    expect(accessOf(ScopedClass, 'optional')).toBe('required');
    expect(accessOf(ScopedClass, 'open')).toBe('public');
    expect(accessOf(OrganizationClass, 'optional')).toBe('required');
    expect(accessOf(OptionalScopedClass, 'inherits')).toBe('required');
    expect(accessOf(OptionalScopedClass, 'open')).toBe('public');
  });

  it("applies on a class to every handler, and the handler's own marker or requirement wins over the class's", () => {
    expect(accessOf(OptionalClass, 'inherits')).toBe('optional');
    expect(accessOf(OptionalClass, 'open')).toBe('public');
    expect(accessOf(OptionalClass, 'scoped')).toBe('required');
    expect(accessOf(PublicClass, 'inherits')).toBe('public');
    expect(accessOf(PublicClass, 'optional')).toBe('optional');
  });

  it('is not inherited from a base class by a subclass, as a class-level @Public() is not', () => {
    expect(accessOf(OptionalSubclass, 'own')).toBe('required');
    expect(accessOf(OptionalSubclass, 'inherits')).toBe('required');
  });
});

describe('assertScopes', () => {
  it('requires all of allOf and one of each anyOf group, exactly', () => {
    const rules = { isPublic: false, isOptional: false, allOf: ['a'], anyOf: [['b', 'c']] };
    expect(reasonOf(() => assertScopes(['a', 'c'], rules))).toBe('accepted');
    expect(reasonOf(() => assertScopes(['a'], rules))).toBe('insufficient_scope');
    expect(reasonOf(() => assertScopes(['ab', 'c'], rules))).toBe('insufficient_scope');
    expect(reasonOf(() => assertScopes([], { isPublic: false, isOptional: false, allOf: [], anyOf: [] }))).toBe('accepted');
  });
});

import { INestApplication } from '@nestjs/common';
import { METHOD_METADATA } from '@nestjs/common/constants';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { ApiExtension, OpenAPIObject, SwaggerDocumentOptions, SwaggerModule } from '@nestjs/swagger';
import { readRouteAuthRules, RouteAuthRules } from '../scopes/route-auth.rules';
import { describeRouteAuthRules } from './route-auth-rules-description.util';

// Carries each handler's rules through swagger's own route scan to its operation; removed afterwards.
const RULES_EXTENSION = 'x-logto-auth';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * `SwaggerModule.createDocument` that also documents this module's decorators: the scopes of
 * `@Scopes()` / `@AnyScope()` and `@RequireOrganization()` go into each operation's description, and
 * `@Public()` operations get `security: []`, `@OptionalAuth()` ones the bearer scheme as optional (an empty
 * alternative, `security: [{ logto: [] }, {}]`). Use with `addLogtoBearerAuth`.
 *
 * @example
 * import { addLogtoBearerAuth, createLogtoSwaggerDocument } from 'nestjs-logto/swagger';
 *
 * const config = addLogtoBearerAuth(new DocumentBuilder().setTitle('Documents API')).build();
 * SwaggerModule.setup('docs', app, createLogtoSwaggerDocument(app, config));
 */
export function createLogtoSwaggerDocument(
  app: INestApplication,
  config: Omit<OpenAPIObject, 'paths'>,
  options?: SwaggerDocumentOptions,
): OpenAPIObject {
  markHandlers(app);
  const document = SwaggerModule.createDocument(app, config, options);
  for (const pathItem of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method] as (NonNullable<(typeof pathItem)[typeof method]> & Record<string, unknown>) | undefined;
      const rules = operation?.[RULES_EXTENSION] as RouteAuthRules | undefined;
      if (!operation || !rules) continue;
      delete operation[RULES_EXTENSION];
      if (rules.isPublic) {
        operation.security = [];
        continue;
      }
      // OpenAPI 3: an empty Security Requirement Object ({}) among the alternatives makes them optional.
      if (rules.isOptional) operation.security = [...(operation.security ?? document.security ?? []), {}];
      const described = describeRouteAuthRules(rules);
      if (described) operation.description = operation.description ? `${operation.description}\n\n${described}` : described;
    }
  }
  return document;
}

function markHandlers(app: INestApplication): void {
  const reflector = new Reflector();
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      if (typeof metatype !== 'function') continue;
      for (const [key, descriptor] of handlerDescriptors(metatype.prototype)) {
        const rules = readRouteAuthRules(reflector, descriptor.value, metatype);
        ApiExtension(RULES_EXTENSION, rules)(metatype.prototype, key, descriptor);
      }
    }
  }
}

/** Route handlers of a controller, inherited ones included (the nearest definition of each name wins). */
function handlerDescriptors(prototype: object): Map<string, PropertyDescriptor> {
  const handlers = new Map<string, PropertyDescriptor>();
  for (let proto = prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, key);
      if (key === 'constructor' || handlers.has(key) || typeof descriptor?.value !== 'function') continue;
      if (Reflect.getMetadata(METHOD_METADATA, descriptor.value) !== undefined) handlers.set(key, descriptor);
    }
  }
  return handlers;
}

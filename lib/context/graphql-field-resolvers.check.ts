import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { readRouteAuthRules } from '../scopes/route-auth.rules';

/** What this check reads of `@nestjs/graphql`: its public constants, loaded only when the package is there. */
interface GraphqlConstants {
  readonly GRAPHQL_MODULE_OPTIONS: string;
  readonly RESOLVER_PROPERTY_METADATA: string;
  readonly RESOLVER_REFERENCE_METADATA: string;
}

/**
 * Refuses to start an app in which `@Scopes()`, `@AnyScope()` or `@RequireOrganization()` on a GraphQL
 * field resolver would silently not be enforced: `@nestjs/graphql` runs guards on `@ResolveField()`
 * (and `@ResolveReference()`) methods only when its options say `fieldResolverEnhancers: ['guards']`.
 * Without it, such a field is served to anyone who reaches its parent, even through a `@Public()` query.
 * A module that says "`@Scopes` protects this" must never be silently wrong, so this fails closed at
 * start-up, naming every such field and the option to set. Apps without GraphQL load nothing of it.
 */
@Injectable()
export class GraphqlFieldResolversCheck implements OnApplicationBootstrap {
  private readonly scanner = new MetadataScanner();

  constructor(
    private readonly modules: ModulesContainer,
    private readonly reflector: Reflector,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const graphql = await loadGraphqlConstants();
    if (!graphql || this.guardsRunOnFields(graphql)) return;
    const unguarded = this.fieldsWithRequirements(graphql);
    if (unguarded.length > 0) throw new Error(unguardedFieldsMessage(unguarded));
  }

  /** True when no GraphQL module is configured, or every one runs guards on field resolvers. */
  private guardsRunOnFields({ GRAPHQL_MODULE_OPTIONS }: GraphqlConstants): boolean {
    const optionSets = [...this.modules.values()].flatMap((module) => {
      const options = module.providers.get(GRAPHQL_MODULE_OPTIONS)?.instance as { fieldResolverEnhancers?: unknown } | undefined;
      return options ? [options] : [];
    });
    return optionSets.every(({ fieldResolverEnhancers }) => Array.isArray(fieldResolverEnhancers) && fieldResolverEnhancers.includes('guards'));
  }

  /** `Class.method` of every field resolver that carries one of this module's requirements. */
  private fieldsWithRequirements({ RESOLVER_PROPERTY_METADATA, RESOLVER_REFERENCE_METADATA }: GraphqlConstants): string[] {
    const found = new Set<string>();
    for (const module of this.modules.values()) {
      for (const { instance } of module.providers.values()) {
        if (instance === null || typeof instance !== 'object') continue;
        const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
        for (const name of this.scanner.getAllMethodNames(prototype)) {
          const method = prototype[name] as object;
          const isField =
            Reflect.getMetadata(RESOLVER_PROPERTY_METADATA, method) === true || Reflect.getMetadata(RESOLVER_REFERENCE_METADATA, method) === true;
          if (!isField) continue;
          const rules = readRouteAuthRules(this.reflector, method, instance.constructor);
          const requires = rules.allOf.length > 0 || rules.anyOf.length > 0 || rules.organization !== undefined;
          if (!rules.isPublic && requires) found.add(`${instance.constructor.name}.${name}`);
        }
      }
    }
    return [...found];
  }
}

async function loadGraphqlConstants(): Promise<GraphqlConstants | undefined> {
  try {
    return await import('@nestjs/graphql');
  } catch {
    return undefined; // not installed (or not loadable): then the app cannot serve GraphQL either
  }
}

function unguardedFieldsMessage(fields: readonly string[]): string {
  return (
    `LogtoAuthModule: @Scopes()/@AnyScope()/@RequireOrganization() on the GraphQL field resolver(s) ${fields.join(', ')} ` +
    `would not be enforced: @nestjs/graphql runs guards on @ResolveField() methods only with ` +
    `fieldResolverEnhancers: ['guards']. Set it in GraphQLModule.forRoot({ ..., fieldResolverEnhancers: ['guards'] }) ` +
    `(or in the options your forRootAsync factory returns), or move the requirement to the query or mutation that returns the object.`
  );
}

import { KeyObject } from 'node:crypto';
import { LogtoAuthException } from '../errors/logto-auth.exception';
import { LogtoSigningAlgorithm } from '../logto-auth.constants';
import { ResolvedLogtoAuthOptions } from '../logto-auth.options';
import { JwksKeyResolver } from './jwks-key.resolver';
import { LogtoAuthCounters } from '../logto-auth.counters';

/**
 * One `JwksKeyResolver` per tenant, picked by the token's `iss`. An issuer that is not configured has
 * no resolver, so its tokens never cause a JWKS request.
 */
export class IssuerKeyResolvers {
  private readonly byIssuer = new Map<string, JwksKeyResolver>();
  private readonly resolvers: readonly JwksKeyResolver[];

  constructor(options: ResolvedLogtoAuthOptions, counters: LogtoAuthCounters) {
    this.resolvers = options.tenants.map((tenant) => {
      const resolver = new JwksKeyResolver({ ...options, jwksUri: tenant.jwksUri }, counters);
      tenant.issuers.forEach((issuer) => this.byIssuer.set(issuer, resolver));
      return resolver;
    });
  }

  getKey(issuer: string, kid: string, alg: LogtoSigningAlgorithm): Promise<KeyObject> {
    const resolver = this.byIssuer.get(issuer);
    if (!resolver) return Promise.reject(new LogtoAuthException('wrong_issuer'));
    return resolver.getKey(kid, alg);
  }

  /** Until when (monotonic ms) the key set of `issuer`'s tenant counts as current; the past if unknown or stale. */
  freshUntil(issuer: string): number {
    return this.byIssuer.get(issuer)?.freshUntil ?? -Infinity;
  }

  /** Called with the kids whose key a refresh of any tenant's key set found gone or replaced. */
  onKeysRemoved(listener: (kids: readonly string[]) => void): void {
    this.resolvers.forEach((resolver) => resolver.onKeysRemoved(listener));
  }
}

import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { LOGTO_AUTH_OPTIONS } from './logto-auth.constants';
import { ResolvedLogtoAuthOptions, ResolvedLogtoTenant } from './logto-auth.options';
import { LogtoAuthException } from './errors/logto-auth.exception';
import { IssuerKeyResolvers } from './keys/issuer-key.resolvers';
import { ORGANIZATION_AUDIENCE_PREFIX } from './token/access-token.audience';
import { LogtoAuthWarmUpError, warmUpFailure } from './errors/logto-auth-warm-up.error';

// A kid no issuer signs with. Asked for it before any request, the resolver fetches the key set (it is
// due: never fetched) and then answers `unknown_key` when the fetch worked, `jwks_unavailable` when not.
// Going through getKey keeps the warm-up on the very path requests take, with its deadline and logs.
const WARM_UP_PROBE_KID = 'nestjs-logto:warm-up-probe';

/**
 * What the module does once when the application starts: it says what it trusts, so a wrong issuer,
 * key URL or audience is seen in the start-up log rather than guessed from 401s, and, with `warmUp`,
 * it fetches the keys before the first request.
 */
@Injectable()
export class LogtoAuthStartup implements OnModuleInit {
  private readonly logger = new Logger('LogtoAuth');

  constructor(
    @Inject(LOGTO_AUTH_OPTIONS) private readonly options: ResolvedLogtoAuthOptions,
    private readonly keys: IssuerKeyResolvers,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const tenant of this.options.tenants) this.logger.log(describeTrust(tenant, this.options.organizations));
    if (this.options.warmUp === false) return;
    const failed = (await Promise.all(this.options.tenants.map((tenant) => this.warmUp(tenant)))).filter(
      (jwksUri): jwksUri is string => jwksUri !== undefined,
    );
    if (failed.length === 0) return;
    if (this.options.warmUp === 'fail') throw new LogtoAuthWarmUpError(failed);
    this.logger.warn(`${warmUpFailure(failed)}. Starting anyway (warmUp: "warn"): requests fetch the keys when they need them.`);
  }

  /** The JWKS URL when its key set could not be fetched, else undefined. */
  private async warmUp(tenant: ResolvedLogtoTenant): Promise<string | undefined> {
    try {
      await this.keys.getKey(tenant.issuers[0] as string, WARM_UP_PROBE_KID, 'ES384');
    } catch (error) {
      if (!(error instanceof LogtoAuthException && error.reason === 'unknown_key')) return tenant.jwksUri;
    }
    this.logger.log(`Warm-up: signing keys fetched from ${tenant.jwksUri}`);
    return undefined;
  }
}

function describeTrust({ issuers, jwksUri, audiences }: ResolvedLogtoTenant, organizations: boolean): string {
  const quoted = (values: readonly string[]) => values.map((value) => `"${value}"`).join(', ');
  const organizationTokens = organizations ? `, and organization tokens (audience "${ORGANIZATION_AUDIENCE_PREFIX}<id>")` : '';
  return (
    `Trusting access tokens from issuer${issuers.length > 1 ? 's' : ''} ${quoted(issuers)} ` +
    `(keys ${jwksUri}) for audience${audiences.length > 1 ? 's' : ''} ${quoted(audiences)}${organizationTokens}`
  );
}

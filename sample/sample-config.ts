import { ConfigService } from '@nestjs/config';
import { LogtoAuthModuleOptions } from '../lib';

/** The environment the sample reads; tests pass the same names as plain values. */
export interface SampleSettings {
  /** Your Logto endpoint, e.g. https://my-tenant.logto.app (issuer: <endpoint>/oidc). */
  readonly LOGTO_ENDPOINT: string;
  /** The API resource indicator, e.g. https://api.example.com. */
  readonly LOGTO_AUDIENCE: string;
  readonly LOGTO_CLOCK_TOLERANCE?: string | number;
  readonly LOGTO_JWKS_CACHE_MAX_AGE_MS?: string | number;
  readonly LOGTO_JWKS_COOLDOWN_MS?: string | number;
}

/** `LogtoAuthModule` options from configuration; the module itself validates them at start-up. */
export function logtoOptionsFromConfig(config: ConfigService): LogtoAuthModuleOptions {
  return {
    endpoint: config.getOrThrow<string>('LOGTO_ENDPOINT'),
    audience: config.getOrThrow<string>('LOGTO_AUDIENCE'),
    clockTolerance: optionalNumber(config, 'LOGTO_CLOCK_TOLERANCE'),
    jwksCacheMaxAgeMs: optionalNumber(config, 'LOGTO_JWKS_CACHE_MAX_AGE_MS'),
    jwksCooldownMs: optionalNumber(config, 'LOGTO_JWKS_COOLDOWN_MS'),
  };
}

function optionalNumber(config: ConfigService, name: keyof SampleSettings): number | undefined {
  const value = config.get<string | number>(name);
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isFinite(number)) throw new Error(`${name} must be a number`);
  return number;
}

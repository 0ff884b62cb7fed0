import { existsSync } from 'node:fs';
import { DEV_API_RESOURCE } from './dev-issuer/dev-tenant';
import { DevIssuer, startDevIssuer } from './dev-issuer/dev-issuer';
import { SampleApi, startSampleApi } from './sample-api';
import { devModeInstructions, tenantModeInstructions } from './startup-instructions';

/**
 * `npm start`. With LOGTO_ENDPOINT and LOGTO_AUDIENCE set: the sample API against that Logto tenant.
 * Without LOGTO_ENDPOINT: a local Logto-compatible issuer too, and commands to try both.
 */
async function main(): Promise<void> {
  // The mode is decided before Nest reads .env, so read it here (variables already set win).
  if (existsSync('.env')) process.loadEnvFile('.env');
  const external = process.env.LOGTO_ENDPOINT;
  if (external && !process.env.LOGTO_AUDIENCE) {
    console.error('LOGTO_ENDPOINT is set: set LOGTO_AUDIENCE to your API resource indicator too (see README).');
    process.exitCode = 1;
    return;
  }
  const port = portFromEnv('PORT', 3000);
  let issuer: DevIssuer | undefined;
  let api: SampleApi | undefined;
  const stop = async (signal: NodeJS.Signals) => {
    console.log(`\n${signal}: stopping.`);
    await api?.close();
    await issuer?.close();
    console.log('Stopped.');
  };
  process.once('SIGINT', (signal) => void stop(signal));
  process.once('SIGTERM', (signal) => void stop(signal));

  try {
    if (!external) {
      issuer = await startDevIssuer({ port: portFromEnv('DEV_ISSUER_PORT', 3001) });
      process.env.LOGTO_ENDPOINT = issuer.endpoint;
      process.env.LOGTO_AUDIENCE = DEV_API_RESOURCE;
    }
    api = await startSampleApi({ port });
  } catch (error) {
    console.error(`Could not start: ${error instanceof Error ? error.message : String(error)}`);
    if (isAddressInUse(error)) console.error('Another program uses that port: set PORT / DEV_ISSUER_PORT (0 picks a free one).');
    await issuer?.close();
    process.exitCode = 1;
    return;
  }
  console.log(
    issuer
      ? devModeInstructions({ apiUrl: api.url, issuer: issuer.issuer, tokenEndpoint: issuer.tokenEndpoint, tenant: issuer.tenant })
      : tenantModeInstructions(api.url, process.env.LOGTO_ENDPOINT as string, process.env.LOGTO_AUDIENCE as string),
  );
}

function portFromEnv(name: string, fallback: number): number {
  const value = process.env[name];
  const port = value === undefined || value === '' ? fallback : Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number`);
  return port;
}

function isAddressInUse(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'EADDRINUSE';
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});

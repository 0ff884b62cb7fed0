import { existsSync } from 'node:fs';
import { DEV_API_RESOURCE } from './dev-issuer/dev-tenant';
import { DevIssuer, startDevIssuer } from './dev-issuer/dev-issuer';
import { SampleApi, startSampleApi } from './sample-api';
import { devModeInstructions, tenantModeInstructions } from './startup-instructions';
import { StopOnSignal } from './stop-on-signal';
import { isAddressInUse, portFromEnv } from './ports';

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
  const stop = new StopOnSignal();
  let issuer: DevIssuer | undefined;
  let api: SampleApi | undefined;
  try {
    if (!external) {
      issuer = await stop.started(startDevIssuer({ port: portFromEnv('DEV_ISSUER_PORT', 3001) }));
      if (stop.requested) return;
      process.env.LOGTO_ENDPOINT = issuer.endpoint;
      process.env.LOGTO_AUDIENCE = DEV_API_RESOURCE;
    }
    api = await stop.started(startSampleApi({ port }));
    if (stop.requested) return;
  } catch (error) {
    console.error(`Could not start: ${error instanceof Error ? error.message : String(error)}`);
    if (isAddressInUse(error)) console.error('Another program uses that port: set PORT / DEV_ISSUER_PORT (0 picks a free one).');
    await stop.closeAll();
    process.exitCode = 1;
    return;
  }
  console.log(
    issuer
      ? devModeInstructions({ apiUrl: api.url, issuer: issuer.issuer, tokenEndpoint: issuer.tokenEndpoint, tenant: issuer.tenant })
      : tenantModeInstructions(api.url, process.env.LOGTO_ENDPOINT as string, process.env.LOGTO_AUDIENCE as string),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});

import { devIssuerInstructions } from '../startup-instructions';
import { isAddressInUse, portFromEnv } from '../ports';
import { StopOnSignal } from '../stop-on-signal';
import { startDevIssuer } from './dev-issuer';

/**
 * `npm run dev-issuer`: the Logto-like issuer alone, on DEV_ISSUER_PORT (default 3001, 0 picks a free
 * port), for testing your own API against it. Ctrl-C or SIGTERM stops it.
 */
async function main(): Promise<void> {
  const port = portFromEnv('DEV_ISSUER_PORT', 3001);
  const stop = new StopOnSignal();
  const issuer = await stop.started(startDevIssuer({ port }));
  if (stop.requested) return;
  console.log(devIssuerInstructions(issuer));
}

main().catch((error: unknown) => {
  console.error(`Could not start: ${error instanceof Error ? error.message : String(error)}`);
  if (isAddressInUse(error)) console.error('Another program uses that port: set DEV_ISSUER_PORT (0 picks a free one).');
  process.exitCode = 1;
});

import { INestApplicationContext } from '@nestjs/common';
import { LogtoAuthCounters } from '../../lib';

/** Counts the module's full verifications (key + signature) from now on, read from its public counters. */
export function verificationsSince(app: Pick<INestApplicationContext, 'get'>): () => number {
  const counters = app.get(LogtoAuthCounters);
  const start = counters.verifications;
  return () => counters.verifications - start;
}

import { createPrivateKey, createPublicKey } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { TestAlg, TestKey } from '../test/helpers/keys';
import { signAccessToken } from '../test/helpers/sign-token';

export interface SignJob {
  readonly privateKeyPem: string;
  readonly kid: string;
  readonly alg: TestAlg;
  readonly issuer: string;
  readonly first: number;
  readonly count: number;
}

// Signs a slice of the token pool: distinct Logto-shaped access tokens (own sub and jti each), valid 1 h.
const job = workerData as SignJob;
const privateKey = createPrivateKey(job.privateKeyPem);
const publicKey = createPublicKey(privateKey);
const key = { kid: job.kid, alg: job.alg, privateKey, publicKey } as TestKey;
const tokens: string[] = [];
for (let i = job.first; i < job.first + job.count; i++) {
  tokens.push(signAccessToken({ key, issuer: job.issuer, claims: { sub: `user-${i}` } }));
}
parentPort?.postMessage(tokens);

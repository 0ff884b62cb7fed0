import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchAppConfig, BenchAppName } from './apps/bench-app-config';
import { signTokens } from './children';
import { createTestKey, TestKey } from '../test/helpers/keys';
import { startJwksServer } from '../test/helpers/jwks-server';
import { TEST_AUDIENCE } from '../test/helpers/sign-token';

/**
 * What every bench run needs: a JWKS server with its keys, and the pre-signed tokens in files the load
 * driver reads (one repeated ES384 token, a pool of distinct ES384 tokens; with `checks`, the ES256
 * tokens of the memory check and the tokens of a key not yet published for the unknown-kid check).
 */
export async function startFixture(options: { poolSize: number; checks?: { memoryTokens: number } }) {
  const dir = mkdtempSync(join(tmpdir(), 'nestjs-logto-bench-'));
  const [es384, es256, rotatedIn] = [createTestKey('ES384', 'bench-es384'), createTestKey('ES256', 'bench-es256'), createTestKey('ES384', 'bench-rotated-in')];
  const jwks = await startJwksServer([es384.jwk, es256.jwk]);
  const sign = (key: TestKey, count: number) =>
    signTokens({ privateKeyPem: key.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, kid: key.kid, alg: key.alg, issuer: jwks.issuer }, count);
  const file = (name: string, tokens: string[]) => {
    writeFileSync(join(dir, name), JSON.stringify(tokens));
    return join(dir, name);
  };

  const memoryTokens = options.checks?.memoryTokens ?? 0;
  console.log(`signing ${options.poolSize + 1} ES384 tokens${memoryTokens ? `, ${memoryTokens} ES256 tokens` : ''}...`);
  const repeated = await sign(es384, 1);
  const files = {
    repeated: file('repeated.json', repeated),
    pool: file('pool.json', await sign(es384, options.poolSize)),
    memory: options.checks ? file('memory.json', await sign(es256, memoryTokens)) : '',
    rotatedIn: options.checks ? file('rotated-in.json', await sign(rotatedIn, 1_000)) : '',
  };
  return {
    keys: { es384, es256, rotatedIn },
    jwks,
    repeated,
    files,
    config: (app: BenchAppName, cacheMaxEntries: number): BenchAppConfig => ({
      app,
      endpoint: jwks.endpoint,
      issuer: jwks.issuer,
      jwksUri: jwks.jwksUri,
      audience: TEST_AUDIENCE,
      cacheMaxEntries,
    }),
    async close() {
      await jwks.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type Fixture = Awaited<ReturnType<typeof startFixture>>;

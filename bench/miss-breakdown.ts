import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createPublicKey, JsonWebKey, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { Strategy as JwtStrategy } from 'passport-jwt';
import { LogtoAuthModule } from '../lib';
import { AccessTokenVerifier } from '../lib/token/access-token.verifier';
import { hasEs384Signature } from './es384-signature';
import { median } from './report';

/** What a miss's verification costs, step by step, in CPU µs per token (medians of the rounds). */
export interface MissBreakdown {
  readonly tokens: number;
  readonly rounds: number;
  /** node:crypto's one-shot ES384 verify of the token's signing input: the floor of any verifier. */
  readonly signatureOnly: number;
  /** passport-jwt's verifier (jsonwebtoken: decode, jwa's DER conversion, createVerify, its claim checks). */
  readonly passportJwtVerifier: number;
  /** This module's whole pipeline (`AccessTokenVerifier.verify`, keys already fetched). */
  readonly moduleVerify: number;
  /** jose's `jwtVerify` with a local key set (WebCrypto on libuv's thread pool, counted in the process's CPU). */
  readonly joseVerify: number;
}

export interface MissBreakdownJob {
  readonly endpoint: string;
  readonly audience: string;
  readonly issuer: string;
  readonly jwk: JsonWebKey;
  readonly tokensFile: string;
  readonly tokens: number;
  readonly rounds: number;
}

/**
 * In one process pinned to the apps' core: the same distinct ES384 tokens through four verifiers, in
 * turn, round after round. The differences say what the passport stack adds to a signature check, what
 * this module adds to the stack, and what jose adds to a signature check.
 */
async function measure(job: MissBreakdownJob): Promise<MissBreakdown> {
  @Module({ imports: [LogtoAuthModule.forRoot({ endpoint: job.endpoint, audience: job.audience, tokenCache: false })] })
  class BreakdownModule {}
  const app = await NestFactory.create(BreakdownModule, { logger: ['error'] });
  await app.init();
  const verifier = app.get(AccessTokenVerifier);
  const key: KeyObject = createPublicKey({ key: job.jwk, format: 'jwk' });
  const keySet = createLocalJWKSet({ keys: [job.jwk as Parameters<typeof createLocalJWKSet>[0]['keys'][number]] });
  const tokens = (JSON.parse(readFileSync(job.tokensFile, 'utf8')) as string[]).slice(0, job.tokens);
  const steps: Record<Exclude<keyof MissBreakdown, 'tokens' | 'rounds'>, (token: string) => unknown> = {
    signatureOnly: (token) => {
      if (!hasEs384Signature(token, key)) throw new Error('bad signature');
    },
    passportJwtVerifier: (token) =>
      (JwtStrategy as unknown as { JwtVerifier: (t: string, k: KeyObject, o: object) => unknown }).JwtVerifier(token, key, {
        algorithms: ['ES384'],
        ignoreExpiration: true,
        ignoreNotBefore: true,
      }),
    moduleVerify: (token) => verifier.verify(token),
    joseVerify: (token) => jwtVerify(token, keySet, { issuer: job.issuer, audience: job.audience }),
  };
  await verifier.verify(tokens[0]); // fetches the key set once
  const samples = new Map(Object.keys(steps).map((name) => [name, [] as number[]]));
  for (let round = 0; round <= job.rounds; round++) {
    for (const [name, step] of Object.entries(steps)) {
      const start = process.cpuUsage();
      for (const token of tokens) await step(token);
      const used = process.cpuUsage(start);
      if (round > 0) samples.get(name)!.push((used.user + used.system) / tokens.length); // round 0 warms up
    }
  }
  await app.close();
  const of = (name: string) => Math.round(median(samples.get(name)!) * 10) / 10;
  return {
    tokens: tokens.length,
    rounds: job.rounds,
    signatureOnly: of('signatureOnly'),
    passportJwtVerifier: of('passportJwtVerifier'),
    moduleVerify: of('moduleVerify'),
    joseVerify: of('joseVerify'),
  };
}

/** One line for the bench's output. */
export function formatMissBreakdown(b: MissBreakdown): string {
  const us = (value: number) => `${value.toFixed(1)} us`;
  return [
    `a miss, step by step (CPU per token, ${b.tokens} tokens, median of ${b.rounds} rounds): signature alone ${us(b.signatureOnly)};`,
    `passport-jwt verifier ${us(b.passportJwtVerifier)} (the stack adds ${us(b.passportJwtVerifier - b.signatureOnly)});`,
    `nestjs-logto verify ${us(b.moduleVerify)} (the module adds ${us(b.moduleVerify - b.passportJwtVerifier)} to the stack);`,
    `jose jwtVerify ${us(b.joseVerify)} (adds ${us(b.joseVerify - b.signatureOnly)} to the signature)`,
  ].join(' ');
}

if (require.main === module) {
  process.on('message', (job: MissBreakdownJob) => {
    void measure(job).then((result) => process.send?.(result, () => process.exit(0)));
  });
}

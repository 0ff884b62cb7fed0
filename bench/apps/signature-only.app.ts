import { CanActivate, DynamicModule, ExecutionContext, Inject, Injectable, Module, OnModuleInit, UnauthorizedException } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { createPublicKey, JsonWebKey, KeyObject } from 'node:crypto';
import { hasEs384Signature, hasEs384SignatureOnThreadPool } from '../es384-signature';
import { SignatureCheckBatch } from '../../lib/token/signature-check.batch';
import { BENCH_APP_CONFIG, BenchAppConfig } from './bench-app-config';
import { PlainDocumentsController } from './documents.controller';

/** What the signature-only guard puts in `request.user`: it reads no claim, so it knows no `sub`. */
export const SIGNATURE_CHECKED_SUB = 'signature-checked';

type Mode = 'sync' | 'async' | 'batched';

/**
 * A guard that checks the token's ES384 signature and nothing else: no header, no claim, no key lookup
 * (the JWKS's P-384 key is read once, at start). It is the floor of any verifier in an app, measured three
 * ways with the same `node:crypto` one-shot `verify` (bench/es384-signature.ts): synchronously, each between
 * the requests' HTTP work, as jsonwebtoken (passport-jwt's verifier) does when called per request (`sync`);
 * with a callback, on libuv's thread pool, as jose's WebCrypto does (`async`); synchronously, the checks of one
 * event-loop turn together, as this module runs jsonwebtoken's (`batched`, lib/token/signature-check.batch.ts).
 */
@Injectable()
class SignatureOnlyGuard implements CanActivate, OnModuleInit {
  private key: KeyObject | undefined;
  private readonly batch = new SignatureCheckBatch();

  constructor(
    @Inject(BENCH_APP_CONFIG) private readonly config: BenchAppConfig,
    @Inject('SIGNATURE_MODE') private readonly mode: Mode,
  ) {}

  async onModuleInit(): Promise<void> {
    const { keys } = (await (await fetch(this.config.jwksUri)).json()) as { keys: JsonWebKey[] };
    const jwk = keys.find((candidate) => candidate.crv === 'P-384');
    if (!jwk) throw new Error(`no P-384 key at ${this.config.jwksUri}`);
    this.key = createPublicKey({ key: jwk, format: 'jwk' });
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ headers: { authorization?: string }; user?: { sub: string } }>();
    const token = request.headers.authorization?.startsWith('Bearer ') ? request.headers.authorization.slice(7) : '';
    const admit = (valid: boolean) => {
      if (!valid) throw new UnauthorizedException();
      request.user = { sub: SIGNATURE_CHECKED_SUB };
      return true;
    };
    if (this.mode === 'sync') return admit(hasEs384Signature(token, this.key!));
    if (this.mode === 'async') return hasEs384SignatureOnThreadPool(token, this.key!).then(admit);
    let valid = false;
    return this.batch.run(() => (valid = hasEs384Signature(token, this.key!))).then(() => admit(valid));
  }
}

@Module({})
class SignatureOnlyAppModule {}

/** The signature check alone, as a global guard, `sync`, `async` or `batched` (see SignatureOnlyGuard). */
export function signatureOnlyApp(config: BenchAppConfig, mode: Mode): DynamicModule {
  return {
    module: SignatureOnlyAppModule,
    providers: [
      { provide: BENCH_APP_CONFIG, useValue: config },
      { provide: 'SIGNATURE_MODE', useValue: mode },
      SignatureOnlyGuard,
      { provide: APP_GUARD, useExisting: SignatureOnlyGuard },
    ],
    controllers: [PlainDocumentsController],
  };
}

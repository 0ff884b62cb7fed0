import { CanActivate, DynamicModule, ExecutionContext, Inject, Injectable, Module, OnModuleInit, UnauthorizedException } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { createPublicKey, JsonWebKey, KeyObject } from 'node:crypto';
import { hasEs384Signature, hasEs384SignatureOnThreadPool } from '../es384-signature';
import { BENCH_APP_CONFIG, BenchAppConfig } from './bench-app-config';
import { PlainDocumentsController } from './documents.controller';

/** What the signature-only guard puts in `request.user`: it reads no claim, so it knows no `sub`. */
export const SIGNATURE_CHECKED_SUB = 'signature-checked';

type Mode = 'sync' | 'async';

/**
 * A guard that checks the token's ES384 signature and nothing else: no header, no claim, no key lookup
 * (the JWKS's P-384 key is read once, at start). It is the floor of any verifier in an app, measured two
 * ways with the same `node:crypto` one-shot `verify` (bench/es384-signature.ts): synchronously, between the requests' HTTP work, as
 * jsonwebtoken (passport-jwt's verifier) does; or with a callback, on libuv's thread pool, as jose's
 * WebCrypto does. The difference is what a synchronous signature check costs under load.
 */
@Injectable()
class SignatureOnlyGuard implements CanActivate, OnModuleInit {
  private key: KeyObject | undefined;

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
    return this.mode === 'sync' ? admit(hasEs384Signature(token, this.key!)) : hasEs384SignatureOnThreadPool(token, this.key!).then(admit);
  }
}

@Module({})
class SignatureOnlyAppModule {}

/** The signature check alone, as a global guard, `sync` or `async` (see SignatureOnlyGuard). */
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

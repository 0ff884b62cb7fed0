import { Inject, Injectable } from '@nestjs/common';
import { KeyObject } from 'node:crypto';
import { Strategy as JwtStrategy } from 'passport-jwt';
import { LOGTO_AUTH_OPTIONS, LogtoSigningAlgorithm } from '../logto-auth.constants';
import { ResolvedLogtoAuthOptions } from '../logto-auth.options';
import { LogtoAuthException } from '../errors/logto-auth.exception';
import { IssuerKeyResolvers } from '../keys/issuer-key.resolvers';
import { LogtoAuthCounters } from '../logto-auth.counters';
import { LogtoAccessTokenClaims, LogtoUser } from '../interfaces/logto-user.interface';
import { assertAccessTokenRules } from './access-token.rules';
import { assertBearerTokenForm } from './bearer-token.extractor';
import { decodeJws } from './jws.decoder';
import { SignatureCheckBatch } from './signature-check.batch';
import { toLogtoUser } from './logto-user.mapper';

/** A token that passed every rule: its user, and the key that verified it (the cache forgets it with the key). */
export interface VerifiedAccessToken {
  readonly user: LogtoUser;
  readonly kid: string;
}

// passport-jwt's own signature step (jsonwebtoken's verify), the seam it documents as `JwtStrategy.JwtVerifier`.
type JwtVerifier = (token: string, key: KeyObject, options: SignatureOptions) => unknown;
interface SignatureOptions {
  readonly algorithms: LogtoSigningAlgorithm[];
  readonly ignoreExpiration: true;
  readonly ignoreNotBefore: true;
}

// RFC 7518 §3.4: an ECDSA JWS signature is r || s, each as long as the curve's order (DER is not a JWS signature).
const ECDSA_SIGNATURE_BYTES: Partial<Record<LogtoSigningAlgorithm, number>> = { ES256: 64, ES384: 96, ES512: 132 };

/**
 * Verifies a Logto access token, the one pipeline behind `LogtoAuthGuard` and the passport strategy:
 * b64token form -> JWS shape -> header rules -> issuer picks the tenant -> audience -> lifetime (no network yet)
 * -> key by kid (JWKS) -> signature -> verified claims -> `LogtoUser`. Refuses with `LogtoAuthException`.
 * Every claim rule is in `access-token.rules.ts`.
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly signatureChecks = new SignatureCheckBatch();

  constructor(
    @Inject(LOGTO_AUTH_OPTIONS) private readonly options: ResolvedLogtoAuthOptions,
    private readonly keys: IssuerKeyResolvers,
    private readonly counters: LogtoAuthCounters,
  ) {}

  async verify(token: string): Promise<VerifiedAccessToken> {
    assertBearerTokenForm(token); // the header's last rule, here so that a cache hit skips it (see bearerTokenOf)
    this.counters.countVerification(); // LogtoAuthGuard's misses and AuthGuard('logto') alike
    const { header, payload } = decodeJws(token);
    assertAccessTokenRules('header', header, this.options);
    assertAccessTokenRules('claims', payload, this.options);
    const alg = header.alg as LogtoSigningAlgorithm;
    const kid = header.kid as string;
    const key = await this.keys.getKey(payload.iss as string, kid, alg);
    await this.signatureChecks.run(() => this.assertSignature(token, key, alg)); // with this turn's others
    assertAccessTokenRules('verified', payload, this.options);
    return { user: toLogtoUser(payload as LogtoAccessTokenClaims, this.options), kid };
  }

  // The rules above read the same bytes the signature covers, so jsonwebtoken checks the signature only.
  private assertSignature(token: string, key: KeyObject, alg: LogtoSigningAlgorithm): void {
    const ecdsaBytes = ECDSA_SIGNATURE_BYTES[alg];
    // base64url is canonical here (decodeJws), so the length in characters gives the length in bytes.
    if (ecdsaBytes !== undefined && Math.floor(((token.length - token.lastIndexOf('.') - 1) * 3) / 4) !== ecdsaBytes) {
      throw new LogtoAuthException('malformed_token');
    }
    try {
      (JwtStrategy as unknown as { JwtVerifier: JwtVerifier }).JwtVerifier(token, key, {
        algorithms: [alg],
        ignoreExpiration: true,
        ignoreNotBefore: true,
      });
    } catch {
      throw new LogtoAuthException('bad_signature');
    }
  }
}

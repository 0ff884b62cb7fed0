import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Passport } from 'passport';
import { SecretOrKeyProvider, Strategy as JwtStrategy } from 'passport-jwt';
import { LOGTO_AUTH_OPTIONS, LOGTO_STRATEGY_NAME } from './logto-auth.constants';
import { ResolvedLogtoAuthOptions } from './logto-auth.options';
import { IssuerKeyResolvers } from './keys/issuer-key-resolvers';
import { decodeJws } from './token/decode-jws';
import { assertAccessTokenClaims, assertAccessTokenHeader, assertIssuerAndLifetime } from './token/access-token-rules';
import { toLogtoUser } from './token/to-logto-user';
import { assertAudienceOfIssuer } from './tenants/tenant-of-issuer';
import { acceptedAudiences } from './organizations/organization-audience';
import { LogtoUser } from './interfaces/logto-user.interface';

/** What one passport-jwt run ends with, in passport's own terms (`handleRequest(error, user, info)`). */
export interface StrategyOutcome {
  readonly error?: unknown;
  readonly user?: LogtoUser;
  readonly info?: unknown;
  /** The key that verified the token, on success. */
  readonly kid?: string;
}

/** One verification: passport-jwt reads the token from it, instead of from an HTTP request. */
interface Attempt {
  readonly token: string;
  kid?: string;
  /** Ends the attempt with an error that escaped passport's callbacks (fail closed, never a hang). */
  abort(error: unknown): void;
}

/**
 * The passport-jwt strategy that verifies a Logto access token:
 * cheap checks on the unverified token -> signing key by kid (JWKS) -> signature, iss, aud, exp, nbf
 * (jsonwebtoken) -> the claims Logto guarantees -> `LogtoUser`.
 */
@Injectable()
export class LogtoStrategy extends PassportStrategy(JwtStrategy, LOGTO_STRATEGY_NAME) {
  constructor(
    @Inject(LOGTO_AUTH_OPTIONS) private readonly options: ResolvedLogtoAuthOptions,
    keys: IssuerKeyResolvers,
  ) {
    super({
      jwtFromRequest: (attempt: Attempt) => attempt.token,
      secretOrKeyProvider: signingKeyProvider(options, keys),
      // passport-jwt copies these three over jsonWebTokenOptions, with undefined when they are not set
      // here: set only there, a token for any audience would pass.
      issuer: options.issuers as string[],
      audience: acceptedAudiences(options) as string[], // may hold a RegExp, which jsonwebtoken supports
      algorithms: options.algorithms as JwtAlgorithms,
      jsonWebTokenOptions: { clockTolerance: options.clockTolerance },
    });
  }

  validate(payload: Record<string, unknown>): LogtoUser {
    assertAccessTokenClaims(payload);
    return toLogtoUser(payload, this.options);
  }

  /**
   * Runs the strategy on one token, the way passport's middleware runs a strategy on a request
   * (a per-attempt object with success/fail/error), without passport's global registry.
   */
  authenticateToken(token: string): Promise<StrategyOutcome> {
    return new Promise((resolve) => {
      const attempt: Attempt = { token, abort: (error) => resolve({ error }) };
      const run = Object.create(this) as this & PassportActions;
      run.success = (user) => resolve({ user, kid: attempt.kid });
      run.fail = (info) => resolve({ info });
      run.error = (error) => resolve({ error });
      run.authenticate(attempt as never, {});
    });
  }

  // Each module instance keeps its strategy to itself: in the shared global passport instance, the last
  // app to start would verify every app's tokens with its own issuer and audience.
  getPassportInstance(): InstanceType<typeof Passport> {
    return new Passport();
  }
}

/** Cheap checks on the unverified token first, so a token that cannot pass costs no JWKS request. */
function signingKeyProvider(options: ResolvedLogtoAuthOptions, keys: IssuerKeyResolvers): SecretOrKeyProvider<Attempt> {
  return (attempt, token, done) => {
    try {
      const { header, payload } = decodeJws(token as string);
      assertAccessTokenHeader(header, options.algorithms);
      assertIssuerAndLifetime(payload, options);
      assertAudienceOfIssuer(payload, options);
      attempt.kid = header.kid;
      // jsonwebtoken 9 verifies with a KeyObject directly (no PEM parse per token); the typings lag behind.
      keys
        .getKey(payload.iss as string, header.kid, header.alg)
        .then((key) => done(null, key as unknown as string), done)
        .catch(attempt.abort);
    } catch (error) {
      done(error);
    }
  };
}

type JwtAlgorithms = ConstructorParameters<typeof JwtStrategy>[0]['algorithms'];

interface PassportActions {
  success(user: LogtoUser): void;
  fail(info: unknown): void;
  error(error: unknown): void;
}

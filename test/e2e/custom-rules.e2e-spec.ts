import { Injectable, Module } from '@nestjs/common';
import { beforeAll, describe, expect, it } from 'vitest';
import { LogtoAccessTokenClaims, LogtoAuthModule, LogtoAuthModuleOptions, LogtoUser, LogtoUserValidator } from '../../lib';
import { expectOutcome, forbidden, invalidToken, validationTimeout } from '../helpers/expect-outcome';
import { RecordingLogger } from '../helpers/recording-logger';
import { TEST_AUDIENCE } from '../helpers/sign-token';
import { ADAPTERS } from '../helpers/test-app';
import { ProtectedApi, ProtectedApiSetup, useProtectedApi } from '../helpers/protected-api';

/** Stands in for the application's database of users. */
@Injectable()
class UsersService {
  readonly known = new Set(['user-1']);
  exists(sub: string): Promise<boolean> {
    return Promise.resolve(this.known.has(sub));
  }
}

@Module({ providers: [UsersService], exports: [UsersService] })
class UsersModule {}

@Injectable()
class KnownUserValidator implements LogtoUserValidator {
  constructor(private readonly users: UsersService) {}
  validate(user: LogtoUser): Promise<boolean> {
    return this.users.exists(user.sub);
  }
}

describe.each(ADAPTERS)('custom rules over %s', (adapter) => {
  /** Its JWKS server and key serve the apps each test starts with its own rule. */
  const base = useProtectedApi(adapter, { cold: true });
  const start = (options: Partial<LogtoAuthModuleOptions>, setup: Omit<ProtectedApiSetup, 'options' | 'jwks' | 'keys'> = {}) =>
    base.start({ options, cold: true, ...setup });
  const token = (claims: Record<string, unknown> = {}) => base.token({ claims });
  const get = (app: ProtectedApi, bearer: string, path = '/documents') => app.get(path, `Bearer ${bearer}`);

  describe('validate function', () => {
    const calls: { sub: string; tenantClaim: unknown }[] = [];
    let app: ProtectedApi;
    beforeAll(async () => {
      app = await start({
        validate: async (user: LogtoUser, claims: LogtoAccessTokenClaims) => {
          calls.push({ sub: user.sub, tenantClaim: claims.tenant });
          if (user.sub === 'throws') throw new Error('database unreachable');
          if (user.sub === 'forgets-to-return') return undefined as unknown as boolean;
          if ('answer' in claims) return claims.answer as boolean; // whatever JSON value the test puts there
          return user.sub === 'user-1';
        },
      });
    });

    it('lets a caller the rule accepts through, giving it the verified claims', async () => {
      calls.length = 0;
      const res = await get(app, token({ tenant: 'acme' }));
      expect(res.status).toBe(200);
      expect(calls).toEqual([{ sub: 'user-1', tenantClaim: 'acme' }]);
    });

    it('refuses a caller the rule rejects (403 auth.validation_failed)', async () => {
      const res = await get(app, token({ sub: 'user-unknown' }));
      expectOutcome(res, forbidden('auth.validation_failed', 'validation_failed'));
    });

    it('fails closed when the rule throws: 403, never 500, never allowed', async () => {
      const res = await get(app, token({ sub: 'throws' }));
      expectOutcome(res, forbidden('auth.validation_failed', 'validation_failed'));
    });

    it('refuses when the rule returns nothing (undefined)', async () => {
      const res = await get(app, token({ sub: 'forgets-to-return' }));
      expectOutcome(res, forbidden('auth.validation_failed', 'validation_failed'));
    });

    // README: anything but `true` refuses; truthy look-alikes included (a check of truthiness would let them in).
    it.each([1, 'true', 'yes', {}, [], [true], { allowed: true }, false, 0, '', null])(
      'refuses when the rule returns %j instead of true',
      async (answer) => {
        const res = await get(app, token({ answer }));
        expectOutcome(res, forbidden('auth.validation_failed', 'validation_failed'));
      },
    );

    it('accepts exactly true from the same rule', async () => {
      expect((await get(app, token({ answer: true }))).status).toBe(200);
    });

    it('runs only after the token and the scopes have passed, and never on @Public() routes', async () => {
      calls.length = 0;
      const noScope = await get(app, token({ scope: '' }));
      expect(noScope.status).toBe(403);
      expect(noScope.body.code).toBe('insufficient_scope');
      expect(noScope.headers['www-authenticate']).toContain('error="insufficient_scope"');
      const badToken = await get(app, token({ aud: 'https://other.example.com' }));
      expectOutcome(badToken, invalidToken('wrong_audience'));
      const health = await app.get('/documents/health');
      expect(health.status).toBe(200);
      expect(calls).toEqual([]);
    });
  });

  describe('a rule that never settles (validateTimeoutMs)', () => {
    const logger = new RecordingLogger();
    const never = () => new Promise<boolean>(() => undefined);

    async function expectTimeoutRefusal(app: ProtectedApi, bearer: string, ruleName: string, deadlineMs: number) {
      app.app.useLogger(logger);
      logger.clear();
      const started = Date.now();
      const res = await get(app, bearer);
      const elapsed = Date.now() - started;
      expectOutcome(res, validationTimeout);
      expect(res.headers['retry-after']).toBe(String(Math.ceil(deadlineMs / 1000)));
      expect(elapsed).toBeGreaterThanOrEqual(deadlineMs - 5); // timers may fire a millisecond early
      expect(elapsed).toBeLessThan(5_000); // the default deadline, so the option was read
      const logged = logger.matching('did not settle');
      expect(logged).toEqual([
        expect.objectContaining({
          level: 'error',
          context: 'LogtoAuth',
          message: `${ruleName} did not settle within ${deadlineMs} ms; request refused with 503 auth.validation_timeout`,
        }),
      ]);
      expect(logger.transcript).not.toContain(bearer);
    }

    it('validate: refused with 503 auth.validation_timeout and Retry-After at the deadline, and logged', async () => {
      const app = await start({ validateTimeoutMs: 300, validate: never });
      await expectTimeoutRefusal(app, token(), 'the validate option', 300);
    });

    it('validator class: the same, and the log names the class', async () => {
      @Injectable()
      class StuckValidator implements LogtoUserValidator {
        validate(): Promise<boolean> {
          return never();
        }
      }
      const app = await start({ validator: StuckValidator, validateTimeoutMs: 1_200 }, { providers: [StuckValidator] });
      await expectTimeoutRefusal(app, token(), 'the validator StuckValidator', 1_200);
    });

    it('a rule that answers true within the deadline still passes', async () => {
      const app = await start({
        validateTimeoutMs: 1_000,
        validate: () => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 20)),
      });
      expect((await get(app, token())).status).toBe(200);
    });
  });

  describe('injectable validator class through forRootAsync', () => {
    let app: ProtectedApi;
    beforeAll(async () => {
      app = await start(
        {},
        {
          logtoModule: LogtoAuthModule.forRootAsync({
            useFactory: () => ({ endpoint: base.jwks.endpoint, audience: TEST_AUDIENCE, validator: KnownUserValidator }),
          }),
          imports: [UsersModule],
          providers: [KnownUserValidator],
        },
      );
    });

    it('consults the injected service: known subject passes, unknown is 403', async () => {
      expect((await get(app, token())).status).toBe(200);
      const res = await get(app, token({ sub: 'user-2' }));
      expectOutcome(res, forbidden('auth.validation_failed', 'validation_failed'));
      app.app.get(UsersService).known.add('user-2');
      expect((await get(app, token({ sub: 'user-2' }))).status).toBe(200);
    });

    it('refuses to start when no module provides the validator class', async () => {
      await expect(start({ validator: KnownUserValidator }, { controllers: [] })).rejects.toThrow('option "validator" names KnownUserValidator, which no module provides');
    });
  });

  describe('scopeClaim', () => {
    it('reads permissions from `scp` as a space-separated string', async () => {
      const app = await start({ scopeClaim: 'scp' });
      const res = await get(app, token({ scope: undefined, scp: 'read:documents search:own' }), '/documents/search');
      expect(res.status).toBe(200);
      const user = await get(app, token({ scope: undefined, scp: 'read:documents' }));
      expect(user.body.user.scopes).toEqual(['read:documents']);
    });

    it('reads permissions from `permissions` as an array, and ignores `scope` then', async () => {
      const app = await start({ scopeClaim: 'permissions' });
      const ok = await app.post('/documents', `Bearer ${token({ scope: undefined, permissions: ['read:documents', 'write:documents'] })}`);
      expect(ok.status).toBe(201);
      const fromScope = await get(app, token({ scope: 'read:documents', permissions: ['write:documents'] }));
      expect(fromScope.status).toBe(403);
      expect(fromScope.body.code).toBe('insufficient_scope');
      expect(fromScope.headers['www-authenticate']).toContain('scope="read:documents"');
      const none = await get(app, token({ scope: undefined }));
      expect(none.status).toBe(403);
      expect(none.body.code).toBe('insufficient_scope');
      expect(none.headers['www-authenticate']).toContain('scope="read:documents"');
    });

    it('still refuses a scope claim that is an array (RFC 9068 §2.2.3: a space-delimited string)', async () => {
      const app = await start({ scopeClaim: 'permissions' });
      const res = await get(app, token({ scope: ['read:documents'], permissions: ['read:documents'] }));
      expectOutcome(res, invalidToken('invalid_claims'));
    });

    it('refuses a permissions claim that is neither a string nor an array of strings', async () => {
      const app = await start({ scopeClaim: 'permissions' });
      for (const permissions of [['read:documents', 7], { read: true }, 42]) {
        const res = await get(app, token({ permissions }));
        expectOutcome(res, invalidToken('invalid_claims'));
      }
    });
  });
});

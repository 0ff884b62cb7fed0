import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { LOGTO_AUTH_OPTIONS } from './logto-auth.constants';
import { ResolvedLogtoAuthOptions } from './logto-auth.options';
import { LogtoAuthException } from './errors/logto-auth.exception';
import { LogtoAuthErrorCode } from './errors/logto-auth.error-codes';
import { LogtoUser } from './interfaces/logto-user.interface';
import { LogtoUserValidator, LogtoUserValidatorFn } from './interfaces/logto-user-validator.interface';

const TIMED_OUT = Symbol('timed out');

/** Runs the application's own rule (`validate` or `validator`) on a caller whose token has passed. */
@Injectable()
export class LogtoUserValidation implements OnModuleInit {
  private readonly logger = new Logger('LogtoAuth');
  private rule: LogtoUserValidatorFn | undefined;
  private ruleName = '';

  constructor(
    @Inject(LOGTO_AUTH_OPTIONS) private readonly options: ResolvedLogtoAuthOptions,
    private readonly moduleRef: ModuleRef,
  ) {}

  // Every provider exists by now, in whichever module the application declared the validator.
  onModuleInit(): void {
    const { validate, validator } = this.options;
    if (validate) {
      this.rule = validate;
      this.ruleName = 'the validate option';
    }
    if (validator) {
      const instance = this.findValidator(validator);
      this.rule = (user, claims) => instance.validate(user, claims);
      this.ruleName = `the validator ${validator.name}`;
    }
  }

  /** Whether the application gave a rule: without one, `assert` has nothing to wait for. */
  get isConfigured(): boolean {
    return this.rule !== undefined;
  }

  async assert(user: LogtoUser): Promise<void> {
    if (!this.rule) return;
    const allowed = await this.decide(this.rule, user);
    // Only true allows: a rule that forgets to return (undefined), or returns 1, "true" or {}, refuses.
    if (allowed !== true) throw new LogtoAuthException('validation_failed');
  }

  /** The rule's answer, or a refusal when it throws or does not settle within `validateTimeoutMs`. */
  private async decide(rule: LogtoUserValidatorFn, user: LogtoUser): Promise<unknown> {
    const { validateTimeoutMs } = this.options;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), validateTimeoutMs);
    });
    try {
      // Promise.resolve().then: a rule that throws synchronously is handled like one that rejects.
      const answer = await Promise.race([Promise.resolve().then(() => rule(user, user.claims)), deadline]);
      if (answer === TIMED_OUT) {
        // Fail closed without hanging: the handler never runs; the late answer, whatever it is, is ignored.
        this.logger.error(
          `${this.ruleName} did not settle within ${validateTimeoutMs} ms; request refused with 503 ${LogtoAuthErrorCode.ValidationTimeout}`,
        );
        throw new LogtoAuthException('validation_timeout', { retryAfterSeconds: Math.ceil(validateTimeoutMs / 1000) });
      }
      return answer;
    } catch (error) {
      if (error instanceof LogtoAuthException) throw error;
      // Fail closed: a rule that cannot decide (a database outage) refuses, never allows, never a 500.
      this.logger.error(`${this.ruleName} threw ${error instanceof Error ? error.name : typeof error}; request refused`);
      throw new LogtoAuthException('validation_failed');
    } finally {
      clearTimeout(timer);
    }
  }

  private findValidator(validator: NonNullable<ResolvedLogtoAuthOptions['validator']>): LogtoUserValidator {
    try {
      return this.moduleRef.get(validator, { strict: false });
    } catch {
      throw new Error(
        `LogtoAuthModule: option "validator" names ${validator.name}, which no module provides: add it to the providers of a module (default scope)`,
      );
    }
  }
}

import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { LOGTO_AUTH_OPTIONS } from '../logto-auth.constants';
import { ResolvedLogtoAuthOptions } from '../logto-auth.options';
import { LogtoAuthException } from '../errors/logto-auth.exception';
import { LogtoUser } from '../interfaces/logto-user.interface';
import { LogtoUserValidator, LogtoUserValidatorFn } from '../interfaces/logto-user-validator.interface';

/** Runs the application's own rule (`validate` or `validator`) on a caller whose token has passed. */
@Injectable()
export class LogtoUserValidation implements OnModuleInit {
  private readonly logger = new Logger('LogtoAuth');
  private rule: LogtoUserValidatorFn | undefined;

  constructor(
    @Inject(LOGTO_AUTH_OPTIONS) private readonly options: ResolvedLogtoAuthOptions,
    private readonly moduleRef: ModuleRef,
  ) {}

  // Every provider exists by now, in whichever module the application declared the validator.
  onModuleInit(): void {
    const { validate, validator } = this.options;
    if (validate) this.rule = validate;
    if (validator) {
      const instance = this.findValidator(validator);
      this.rule = (user, claims) => instance.validate(user, claims);
    }
  }

  async assert(user: LogtoUser): Promise<void> {
    if (!this.rule) return;
    let allowed: unknown;
    try {
      allowed = await this.rule(user, user.claims);
    } catch (error) {
      // Fail closed: a rule that cannot decide (a database outage) refuses, never allows, never a 500.
      this.logger.error(`the validate rule threw ${error instanceof Error ? error.name : typeof error}; request refused`);
      throw new LogtoAuthException('validation_failed');
    }
    // Only true allows: a rule that forgets to return (undefined) must not let everyone in.
    if (allowed !== true) throw new LogtoAuthException('validation_failed');
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

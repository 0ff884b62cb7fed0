import { LogtoAccessTokenClaims, LogtoUser } from './logto-user.interface';

/**
 * A rule of your own on a verified caller, such as "the subject must exist in our database".
 * `true` lets the request through; `false` refuses it with 403 `auth.validation_failed`.
 */
export type LogtoUserValidatorFn = (user: LogtoUser, claims: LogtoAccessTokenClaims) => boolean | Promise<boolean>;

/**
 * The injectable form of `validate`, for rules that need other providers.
 *
 * @example
 * @Injectable()
 * export class KnownUserValidator implements LogtoUserValidator {
 *   constructor(private readonly users: UsersService) {}
 *   validate(user: LogtoUser) { return this.users.exists(user.sub); }
 * }
 */
export interface LogtoUserValidator {
  validate(user: LogtoUser, claims: LogtoAccessTokenClaims): boolean | Promise<boolean>;
}

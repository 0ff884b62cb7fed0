import { LogtoUser } from '../interfaces/logto-user.interface';

/**
 * One verification of a token at a time: callers verifying the same token concurrently (the guard and the
 * passport strategy alike) share the one in flight. The entry is removed as soon as it settles, refusals
 * included; the verified-token cache then serves successes.
 */
export class InFlightVerifications {
  private readonly inFlight = new Map<string, Promise<LogtoUser>>();

  forToken(token: string, verify: () => Promise<LogtoUser>): Promise<LogtoUser> {
    let outcome = this.inFlight.get(token);
    if (!outcome) {
      outcome = verify();
      this.inFlight.set(token, outcome);
      const forget = () => this.inFlight.delete(token);
      outcome.then(forget, forget);
    }
    return outcome;
  }
}

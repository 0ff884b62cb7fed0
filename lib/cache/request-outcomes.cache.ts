import { HttpStatus } from '@nestjs/common';
import { LogtoAuthException } from '../errors/logto-auth.exception';
import { LogtoUser } from '../interfaces/logto-user.interface';

/**
 * Bounds the verification work one caller can cause. Without it, a GraphQL request with thousands of
 * aliased fields, or a burst of Socket.IO messages, runs the guard (and a full signature check) once
 * per field or message, with a bad token as cheaply as with a good one.
 *
 * Per request (or per Socket.IO connection): the first verification's outcome is remembered, refusals
 * included, and every later guard call on the same request object that finds no verified-token cache hit
 * gets it (a hit is served first: looking it up costs less than remembering it). Keyed weakly by the
 * request object, so it lives exactly as long as the request or the connection, and one request's outcome
 * never serves another. An outage refusal (503 `auth.jwks_unavailable`) is not remembered, so a long-lived
 * connection can succeed once the signing keys are back.
 */
export class RequestOutcomes {
  private readonly byRequest = new WeakMap<object, Promise<LogtoUser>>();

  /** The outcome of `authenticate` for this request object: run at most once while it is remembered. */
  forRequest(request: object, authenticate: () => Promise<LogtoUser>): Promise<LogtoUser> {
    let outcome = this.byRequest.get(request);
    if (!outcome) {
      outcome = authenticate();
      this.byRequest.set(request, outcome);
      outcome.catch((error: unknown) => {
        if (isOutage(error)) this.byRequest.delete(request);
      });
    }
    return outcome;
  }
}

function isOutage(error: unknown): boolean {
  return error instanceof LogtoAuthException && error.rule.status === HttpStatus.SERVICE_UNAVAILABLE;
}

import { setImmediate } from 'node:timers';

interface PendingCheck {
  readonly check: () => void;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Runs the synchronous signature checks (jsonwebtoken's) of the requests read in one turn of the event loop
 * together, in its check phase: every request is parsed first, then every signature is checked one after the
 * other, then every verified request goes on. Checked one by one between the parsing and answering of other
 * requests (most likely with the ECDSA code and tables, and the HTTP code, pushed out of the CPU's caches by each
 * other), a miss cost about 30% more CPU under load (measured, bench/README.md). A lone request waits one turn.
 * Nothing is skipped: every check runs, and each caller gets its own outcome.
 */
export class SignatureCheckBatch {
  private pending: PendingCheck[] = [];

  /** Runs `check` with the others of this turn; settles as it did (returned, or threw). */
  run(check: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      // node:timers' own function: a test's fake timers (which replace the global) cannot hold verifications back.
      if (this.pending.length === 0) setImmediate(() => this.runAll());
      this.pending.push({ check, resolve, reject });
    });
  }

  private runAll(): void {
    const batch = this.pending;
    this.pending = [];
    for (const { check, resolve, reject } of batch) {
      try {
        check();
        resolve();
      } catch (error) {
        reject(error);
      }
    }
  }
}

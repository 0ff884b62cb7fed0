interface Closable {
  close(): Promise<void>;
}

/** Where the signals come from: `process`, or an emitter in tests. */
export interface SignalSource {
  on(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * Clean stop on the first SIGINT (Ctrl-C) or SIGTERM, also while still starting: a server that is
 * being started is waited for and then closed, and no further one is started. Later signals are
 * absorbed, not fatal: a Ctrl-C in a terminal reaches this process twice, once from the terminal (the
 * whole process group) and once forwarded by npm, and the second must not cut the clean stop short.
 */
export class StopOnSignal {
  private signal: NodeJS.Signals | undefined;
  private starting: Promise<unknown> = Promise.resolve();
  private readonly running: Closable[] = [];
  private readonly onSignal = (signal: NodeJS.Signals) => void this.stop(signal);

  constructor(private readonly signals: SignalSource = process) {
    for (const signal of STOP_SIGNALS) signals.on(signal, this.onSignal);
  }

  /** True once a signal asked to stop: start nothing more. */
  get requested(): boolean {
    return this.signal !== undefined;
  }

  /** Awaits a starting server and keeps it, to be closed on a signal (last started, first closed). */
  async started<T extends Closable>(starting: Promise<T>): Promise<T> {
    this.starting = starting;
    const server = await starting;
    this.running.unshift(server);
    return server;
  }

  /** Closes what runs without a signal (a failed start), and leaves signals to Node's defaults again. */
  async closeAll(): Promise<void> {
    if (this.signal === undefined) for (const signal of STOP_SIGNALS) this.signals.off(signal, this.onSignal);
    for (const server of this.running.splice(0)) await server.close();
  }

  private async stop(signal: NodeJS.Signals): Promise<void> {
    if (this.signal !== undefined) return; // the same Ctrl-C twice, or SIGINT then SIGTERM: one stop
    this.signal = signal;
    console.log(`\n${signal}: stopping.`);
    await this.starting.catch(() => undefined); // a start in progress finishes (its server is then kept), or fails
    await this.closeAll();
    console.log('Stopped.');
  }
}

import { LoggerService } from '@nestjs/common';

export interface LogEntry {
  readonly level: 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
  readonly message: string;
  readonly context?: string;
  /** `Date.now()` when it was logged. */
  readonly at: number;
}

/** A real Nest `LoggerService` that keeps what it is given: install it with `app.useLogger(logger)`. */
export class RecordingLogger implements LoggerService {
  readonly entries: LogEntry[] = [];

  log(message: unknown, context?: string) {
    this.record('log', message, context);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.record('error', message, rest.at(-1) as string | undefined);
  }
  warn(message: unknown, context?: string) {
    this.record('warn', message, context);
  }
  debug(message: unknown, context?: string) {
    this.record('debug', message, context);
  }
  verbose(message: unknown, context?: string) {
    this.record('verbose', message, context);
  }
  fatal(message: unknown, context?: string) {
    this.record('fatal', message, context);
  }

  /** Entries whose message contains `text`. */
  matching(text: string): LogEntry[] {
    return this.entries.filter((entry) => entry.message.includes(text));
  }

  /** Everything logged, as one string: for asserting that no token or key material ever appears. */
  get transcript(): string {
    return this.entries.map((entry) => `${entry.level} [${entry.context}] ${entry.message}`).join('\n');
  }

  clear() {
    this.entries.length = 0;
  }

  private record(level: LogEntry['level'], message: unknown, context?: string) {
    this.entries.push({ level, message: String(message), context, at: Date.now() });
  }
}

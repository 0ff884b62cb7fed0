/** Messages between the bench and its child processes. */
export type AppRequest =
  | { type: 'heap' }
  | { type: 'counters' }
  | { type: 'close' }
  /** Starts the V8 sampling profiler in the app (one sample every `intervalMicroseconds`). */
  | { type: 'profile-start'; intervalMicroseconds: number }
  /** Stops it and writes the `.cpuprofile` JSON to `file`. */
  | { type: 'profile-stop'; file: string };
export type AppReply =
  | { type: 'ready'; port: number }
  | { type: 'heap'; heapUsed: number }
  | { type: 'counters'; fullVerifications: number; cachedTokens: number; cpuMicroseconds: number; eventLoopDelay: EventLoopDelay }
  | { type: 'profile-started' }
  | { type: 'profile-stopped'; file: string };

/**
 * The app's event-loop delay (`perf_hooks.monitorEventLoopDelay`, 1 ms resolution) since its previous
 * `counters` request: each `counters` request reads the histogram and resets it, so a measured window
 * that starts and ends with one reads exactly that window. Each sample is the time between two turns of
 * a 1 ms timer: an idle loop reads about 1.1 ms, a loop held for 5 ms by synchronous work reads 5 ms.
 */
export interface EventLoopDelay {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly samples: number;
}

export interface LoadRequest {
  readonly type: 'load';
  readonly url: string;
  /** `repeated`: every request carries tokens[0]; `pool`: each request the next token, from `cursor`. */
  readonly mode: 'repeated' | 'pool';
  readonly tokensFile: string;
  readonly cursor: number;
  readonly connections: number;
  /** Seconds; or a fixed number of requests with `amount`. */
  readonly duration?: number;
  readonly amount?: number;
}

export interface LoadResult {
  readonly type: 'loaded';
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly requests: number;
  /** Tokens taken from the pool (the next run continues after them). */
  readonly tokensUsed: number;
}

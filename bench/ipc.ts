/** Messages between the bench and its child processes. */
export type AppRequest = { type: 'heap' } | { type: 'counters' } | { type: 'close' };
export type AppReply =
  | { type: 'ready'; port: number }
  | { type: 'heap'; heapUsed: number }
  | { type: 'counters'; fullVerifications: number; cachedTokens: number; cpuMicroseconds: number };

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

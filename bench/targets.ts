import { atLeast, atMost, RowFigures, Target } from './report';

/** The rows of `npm run bench`, by id (see ROWS in run.ts). */
export type RowId =
  | 'unguarded'
  | 'empty-guard'
  | 'empty-guard-user'
  | 'module-repeated'
  | 'module-unscoped'
  | 'module-new'
  | 'recipe-repeated'
  | 'recipe-new'
  | 'jose-repeated'
  | 'jose-new'
  | 'es384-limit'
  | 'signature-sync'
  | 'signature-async'
  | 'signature-batched';

/** Every row's figures of one kind: the medians of the rounds, or each row's best round. */
export type Figures = Readonly<Record<RowId, RowFigures>>;

/** The rows a serial bound is given for: every row that verifies a new token on each request. */
export const NEW_TOKEN_ROWS = ['module-new', 'recipe-new', 'jose-new'] as const satisfies readonly RowId[];

export interface SerialBound {
  /** CPU per request of the unguarded route. */
  readonly httpMicroseconds: number;
  /** CPU of one ES384 verification on one core (1e6 / verifications per CPU second). */
  readonly verifyMicroseconds: number;
  /** Their sum: what a miss costs if a guard added nothing but one signature check. */
  readonly cpuMicrosecondsPerRequest: number;
  /** 1e6 / that: the requests per second one core could serve at that cost. */
  readonly requestsPerSecond: number;
  /** Each new-token row against the bound: row req/s / bound req/s, and bound CPU / row CPU (1 = at the bound). */
  readonly rows: Readonly<Record<(typeof NEW_TOKEN_ROWS)[number], { readonly requestsPerSecond: number; readonly cpu: number }>>;
}

const cpu = (f: Figures, id: RowId): number => {
  const value = f[id].cpuMicrosecondsPerRequest;
  if (value === undefined) throw new Error(`row ${id} has no CPU figure`);
  return value;
};

/**
 * A miss costs the HTTP stack and a signature check one after the other on one core: in CPU terms,
 * the unguarded route's CPU per request plus one ES384 verification. No guard that verifies every
 * request can do better; each new-token row is given as a fraction of it.
 */
export function serialBound(f: Figures): SerialBound {
  const perCpuSecond = f['es384-limit'].verifiesPerCpuSecond;
  if (perCpuSecond === undefined) throw new Error('row es384-limit has no verifications per CPU second');
  const httpMicroseconds = cpu(f, 'unguarded');
  const verifyMicroseconds = 1e6 / perCpuSecond;
  const boundCpu = httpMicroseconds + verifyMicroseconds;
  const boundRps = 1e6 / boundCpu;
  const ofBound = (id: RowId) => ({ requestsPerSecond: f[id].requestsPerSecond / boundRps, cpu: boundCpu / cpu(f, id) });
  return {
    httpMicroseconds,
    verifyMicroseconds,
    cpuMicrosecondsPerRequest: boundCpu,
    requestsPerSecond: boundRps,
    rows: { 'module-new': ofBound('module-new'), 'recipe-new': ofBound('recipe-new'), 'jose-new': ofBound('jose-new') },
  };
}

/** `ours` against `theirs`, higher is better on both: req/s ours / theirs; CPU theirs / ours. */
function ratioTargets(f: Figures, name: string, ours: RowId, theirs: RowId, target: number, suffix: string): Target[] {
  return [
    atLeast(`${name} [req/s]${suffix}`, f[ours].requestsPerSecond / f[theirs].requestsPerSecond, target),
    atLeast(`${name} [CPU]${suffix}`, cpu(f, theirs) / cpu(f, ours), target),
  ];
}

/**
 * Where a miss's extra cost over the jose guard's goes, in µs of app CPU per request (issue 15, item 3).
 * Rows 8b/8c check the signature alone, the same `node:crypto` verify, on the thread pool (as jose's WebCrypto
 * does) and synchronously, one event-loop turn's checks together (as this module runs jsonwebtoken, passport-jwt's
 * verifier): gap = (8c - 8b) + (ours beyond the signature - jose's beyond the signature). Row 8a, the same
 * synchronous check made in each request's own callback, gives what batching saves (8a - 8c).
 */
export interface StackCost {
  /** CPU (4) - CPU (6b): a miss's cost over the jose guard's. */
  readonly gapOverJose: number;
  /** CPU (8c) - CPU (8b): what checking the signature synchronously (batched, as here) costs under load, the stack's way. */
  readonly synchronousSignature: number;
  /** CPU (4) - CPU (8c): this module's miss beyond its signature check (passport-jwt and jwks-rsa included). */
  readonly oursBeyondSignature: number;
  /** CPU (6b) - CPU (8b): the jose guard's miss beyond a signature check on the thread pool. */
  readonly joseBeyondSignature: number;
  /** oursBeyondSignature - joseBeyondSignature: what remains of ours once the stack's synchronous check is set aside. */
  readonly remainderOverJose: number;
  /** CPU (8a) - CPU (8c): what running one turn's synchronous checks together saves over one check per request callback. */
  readonly batchingSaves: number;
}

export function stackCost(f: Figures): StackCost {
  const oursBeyondSignature = cpu(f, 'module-new') - cpu(f, 'signature-batched');
  const joseBeyondSignature = cpu(f, 'jose-new') - cpu(f, 'signature-async');
  return {
    gapOverJose: cpu(f, 'module-new') - cpu(f, 'jose-new'),
    synchronousSignature: cpu(f, 'signature-batched') - cpu(f, 'signature-async'),
    oursBeyondSignature,
    joseBeyondSignature,
    remainderOverJose: oursBeyondSignature - joseBeyondSignature,
    batchingSaves: cpu(f, 'signature-sync') - cpu(f, 'signature-batched'),
  };
}

/**
 * The targets of issue 15 and the earlier ones that still hold, each judged on req/s and on app CPU per
 * request, from one kind of figures (`suffix` names it: '' for medians, ', best rounds').
 */
export function performanceTargets(f: Figures, suffix = ''): Target[] {
  const bound = serialBound(f).rows['module-new'];
  // The extra cost of a miss over the jose guard's: CPU per request, and its wall-clock analogue 1e6 / req/s.
  const perRequest = (id: RowId) => 1e6 / f[id].requestsPerSecond;
  return [
    ...ratioTargets(f, 'repeated token vs empty guard', 'module-repeated', 'empty-guard', 0.95, suffix),
    ...ratioTargets(f, 'repeated token vs unguarded route', 'module-repeated', 'unguarded', 0.9, suffix),
    ...ratioTargets(f, '@Scopes route vs unscoped route (same token)', 'module-repeated', 'module-unscoped', 0.97, suffix),
    ...ratioTargets(f, 'new token vs jose guard (new token)', 'module-new', 'jose-new', 0.95, suffix),
    atLeast(`new token vs serial bound [req/s]${suffix}`, bound.requestsPerSecond, 0.88),
    atLeast(`new token vs serial bound [CPU]${suffix}`, bound.cpu, 0.88),
    atMost(`miss cost over jose guard's, µs per request [req/s]${suffix}`, perRequest('module-new') - perRequest('jose-new'), 40, ' µs'),
    atMost(`miss cost over jose guard's, µs per request [CPU]${suffix}`, cpu(f, 'module-new') - cpu(f, 'jose-new'), 40, ' µs'),
    ...ratioTargets(f, 'repeated token vs usual recipe (repeated token)', 'module-repeated', 'recipe-repeated', 4, suffix),
    ...ratioTargets(f, 'repeated token vs jose guard (repeated token)', 'module-repeated', 'jose-repeated', 4, suffix),
    ...ratioTargets(f, 'new token vs usual recipe (new token)', 'module-new', 'recipe-new', 1, suffix),
  ];
}

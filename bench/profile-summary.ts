/** The parts of a V8 `.cpuprofile` (the `Profiler.Profile` of the DevTools protocol) the summary reads. */
export interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  /** Microseconds. */
  readonly startTime: number;
  readonly endTime: number;
  /** The node id of each sample, in time order. */
  readonly samples?: readonly number[];
  /** Microseconds from the previous sample (the first: from `startTime`). */
  readonly timeDeltas?: readonly number[];
}

export interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number; readonly columnNumber: number };
  readonly hitCount?: number;
  readonly children?: readonly number[];
}

/** Where a function's code comes from, so a reader sees whose time it is. */
export const ORIGINS = [
  'nestjs-logto (lib/)',
  'passport stack (passport-jwt, jsonwebtoken, jws, jwa, passport)',
  'jwks-rsa',
  'jose',
  '@nestjs, rxjs',
  'express',
  'node crypto',
  'node internals',
  'GC',
  '(program)',
  '(idle)',
  'bench harness (bench/, test/)',
  'other packages',
] as const;
export type Origin = (typeof ORIGINS)[number];

export interface Cost {
  readonly selfMicroseconds: number;
  /** Of all sampled time (idle included). */
  readonly percent: number;
  readonly microsecondsPerRequest: number;
}

export interface FunctionCost extends Cost {
  readonly name: string;
  /** `file:line`, shortened (`jsonwebtoken/verify.js:123`, `lib/guards/logto-auth.guard.js:40`); '' for native code. */
  readonly location: string;
  readonly origin: Origin;
}

export interface ProfileSummary {
  readonly sampledMicroseconds: number;
  readonly samples: number;
  readonly requests: number;
  /** The `top` functions by self time. */
  readonly functions: readonly FunctionCost[];
  /** Every origin with any self time, most first. */
  readonly origins: readonly (Cost & { readonly origin: Origin })[];
}

const PASSPORT = new Set(['passport', 'passport-jwt', 'passport-strategy', 'jsonwebtoken', 'jws', 'jwa', 'ecdsa-sig-formatter', 'buffer-equal-constant-time', 'safe-buffer', 'ms', 'semver', '@nestjs/passport']);
const JWKS_RSA = new Set(['jwks-rsa', 'lru-memoizer', 'limiter']);
const NEST = new Set(['rxjs', 'reflect-metadata', 'tslib', 'iterare', 'uid', 'fast-safe-stringify', 'load-esm']);
const EXPRESS = new Set([
  'express', 'router', 'body-parser', 'finalhandler', 'on-finished', 'on-headers', 'path-to-regexp', 'qs', 'send', 'serve-static', 'content-type',
  'content-disposition', 'etag', 'fresh', 'proxy-addr', 'forwarded', 'ipaddr.js', 'type-is', 'media-typer', 'accepts', 'negotiator', 'mime-types',
  'mime-db', 'depd', 'debug', 'parseurl', 'encodeurl', 'escape-html', 'statuses', 'vary', 'cookie', 'cookie-signature', 'merge-descriptors',
  'raw-body', 'iconv-lite', 'http-errors', 'setprototypeof', 'toidentifier', 'inherits', 'range-parser', 'ee-first', 'unpipe', 'once', 'wrappy',
  'bytes', 'side-channel', 'object-inspect', 'call-bound', 'get-intrinsic', 'es-errors', 'function-bind', 'hasown', 'gopd', 'es-object-atoms',
  'math-intrinsics', 'dunder-proto', 'has-symbols', 'call-bind-apply-helpers', 'get-proto', 'side-channel-list', 'side-channel-map',
  'side-channel-weakmap', 'es-define-property', 'is-promise', 'safer-buffer', '@nestjs/platform-express', 'multer', 'cors', 'object-assign',
]);

/** The package a `node_modules` path belongs to: the outermost one, so a nested dependency counts for its user. */
function packageOf(url: string): string | undefined {
  const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  return match?.[1];
}

/** The origin of a frame from its URL; undefined for native code (no URL), which takes its caller's. */
export function originOf(functionName: string, url: string): Origin | undefined {
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(program)') return '(program)';
  if (functionName === '(idle)') return '(idle)';
  if (url === '') return undefined;
  if (url.startsWith('node:')) return /^node:(internal\/)?crypto\b/.test(url) ? 'node crypto' : 'node internals';
  const name = packageOf(url);
  if (name !== undefined) {
    // `ms` and `debug` serve several stacks: the passport stack's `ms` is jsonwebtoken's; Express's `debug` its own.
    if (PASSPORT.has(name) || name.startsWith('lodash.')) return 'passport stack (passport-jwt, jsonwebtoken, jws, jwa, passport)';
    if (JWKS_RSA.has(name)) return 'jwks-rsa';
    if (name === 'jose') return 'jose';
    if (name.startsWith('@nestjs/') && name !== '@nestjs/platform-express') return '@nestjs, rxjs';
    if (NEST.has(name)) return '@nestjs, rxjs';
    if (EXPRESS.has(name)) return 'express';
    return 'other packages';
  }
  const inRepository = repositoryPath(url);
  if (inRepository?.startsWith('lib/')) return 'nestjs-logto (lib/)';
  if (inRepository !== undefined) return 'bench harness (bench/, test/)';
  return 'other packages';
}

/**
 * The path inside this repository (`lib/...`, `bench/...`, `test/...`) of a file outside node_modules,
 * from the last such folder in the URL (the bench runs the compiled copy in `.tmp/bench/`).
 */
function repositoryPath(url: string): string | undefined {
  return /^.*\/((?:lib|bench|test)\/.*)$/.exec(url)?.[1];
}

/** `file:line` from the profile's URL, shortened to the package or the repository folder. */
export function locationOf(url: string, lineNumber: number): string {
  if (url === '') return '';
  const line = lineNumber >= 0 ? `:${lineNumber + 1}` : '';
  const inPackage = url.lastIndexOf('/node_modules/');
  if (inPackage >= 0) return `${url.slice(inPackage + '/node_modules/'.length)}${line}`;
  if (url.startsWith('node:')) return `${url}${line}`;
  return `${repositoryPath(url) ?? url.slice(url.lastIndexOf('/') + 1)}${line}`;
}

/** Microseconds each node was sampled in: a sample lasts until the next one (the last, until `endTime`). */
function selfTimes(profile: CpuProfile): Map<number, number> {
  const times = new Map<number, number>();
  const { samples = [], timeDeltas = [] } = profile;
  if (samples.length > 0 && timeDeltas.length === samples.length) {
    let timestamp = profile.startTime;
    const stamps = timeDeltas.map((delta) => (timestamp += delta));
    samples.forEach((id, i) => {
      const duration = Math.max(0, (i + 1 < stamps.length ? stamps[i + 1] : profile.endTime) - stamps[i]);
      times.set(id, (times.get(id) ?? 0) + duration);
    });
    return times;
  }
  // No sample list: spread the profile's duration over the nodes' hit counts.
  const hits = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  for (const node of profile.nodes) if (node.hitCount) times.set(node.id, ((profile.endTime - profile.startTime) * node.hitCount) / hits);
  return times;
}

/**
 * The top `top` functions by self time (the same function reached by several call paths counts once) and
 * the self time of each origin, as % of the sampled time and as µs per request of the profiled window.
 * Native frames (no URL: `verify`, `writev`...) count for the origin of their nearest caller that has one.
 */
export function summariseProfile(profile: CpuProfile, requests: number, top = 15): ProfileSummary {
  const times = selfTimes(profile);
  const sampledMicroseconds = [...times.values()].reduce((sum, t) => sum + t, 0);
  const parents = new Map<number, CpuProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node);
  const originOfNode = (node: CpuProfileNode): Origin => {
    for (let at: CpuProfileNode | undefined = node; at; at = parents.get(at.id)) {
      const origin = originOf(at.callFrame.functionName, at.callFrame.url);
      if (origin) return origin;
    }
    return 'node internals';
  };
  const cost = (selfMicroseconds: number): Cost => ({
    selfMicroseconds,
    percent: sampledMicroseconds > 0 ? (100 * selfMicroseconds) / sampledMicroseconds : 0,
    microsecondsPerRequest: requests > 0 ? selfMicroseconds / requests : 0,
  });

  const functions = new Map<string, { name: string; location: string; origin: Origin; self: number }>();
  const origins = new Map<Origin, number>();
  for (const node of profile.nodes) {
    const self = times.get(node.id) ?? 0;
    if (self === 0) continue;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const origin = originOfNode(node);
    const key = `${functionName}\u0000${url}\u0000${lineNumber}\u0000${columnNumber}\u0000${url === '' ? origin : ''}`;
    const entry = functions.get(key) ?? { name: functionName || '(anonymous)', location: locationOf(url, lineNumber), origin, self: 0 };
    entry.self += self;
    functions.set(key, entry);
    origins.set(origin, (origins.get(origin) ?? 0) + self);
  }
  return {
    sampledMicroseconds,
    samples: profile.samples?.length ?? profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0),
    requests,
    functions: [...functions.values()]
      .sort((a, b) => b.self - a.self || ordinal(a.name, b.name))
      .slice(0, top)
      .map(({ name, location, origin, self }) => ({ name, location, origin, ...cost(self) })),
    origins: [...origins.entries()].sort((a, b) => b[1] - a[1] || ordinal(a[0], b[0])).map(([origin, self]) => ({ origin, ...cost(self) })),
  };
}

/** Ties in self time are ordered by name, so that a summary does not depend on the order of the profile's nodes. */
const ordinal = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const fixed = (value: number, digits: number) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** One profile's summary as Markdown: a heading, the top functions, then the origins. */
export function formatProfileSummary(title: string, summary: ProfileSummary): string {
  const lines = [
    `### ${title}`,
    '',
    `${summary.requests.toLocaleString('en-US')} requests, ${fixed(summary.sampledMicroseconds / 1e6, 2)} s sampled (${summary.samples.toLocaleString('en-US')} samples), ` +
      `${fixed(summary.requests > 0 ? summary.sampledMicroseconds / summary.requests : 0, 0)} µs of main-thread time per request.`,
    '',
    '| self time | % | µs/req | function | where | origin |',
    '|---:|---:|---:|---|---|---|',
  ];
  for (const f of summary.functions) {
    lines.push(`| ${fixed(f.selfMicroseconds / 1e3, 1)} ms | ${fixed(f.percent, 1)} | ${fixed(f.microsecondsPerRequest, 1)} | \`${f.name}\` | ${f.location ? `\`${f.location}\`` : '(native)'} | ${f.origin} |`);
  }
  lines.push('', '| origin | % | µs/req |', '|---|---:|---:|');
  for (const o of summary.origins) lines.push(`| ${o.origin} | ${fixed(o.percent, 1)} | ${fixed(o.microsecondsPerRequest, 1)} |`);
  return lines.join('\n');
}

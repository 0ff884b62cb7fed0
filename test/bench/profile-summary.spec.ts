import { describe, expect, it } from 'vitest';
import { CpuProfile, CpuProfileNode, formatProfileSummary, locationOf, originOf, summariseProfile } from '../../bench/profile-summary';

const ROOT = 'file:///home/dev/lib/nestjs-logto';
const frame = (id: number, functionName: string, url: string, lineNumber = -1, children: number[] = []): CpuProfileNode => ({
  id,
  callFrame: { functionName, url, lineNumber, columnNumber: lineNumber >= 0 ? 4 : -1 },
  children,
});

// A hand-made profile of four requests: the module's guard, reached by two call paths, calls
// jsonwebtoken, which verifies with node:crypto's native code; Express writes the response.
const NODES: CpuProfileNode[] = [
  frame(1, '(root)', '', -1, [2, 3, 4, 5, 9]),
  frame(2, '(program)', ''),
  frame(3, '(garbage collector)', ''),
  frame(4, '(idle)', ''),
  frame(5, 'canActivate', `${ROOT}/.tmp/bench/lib/guards/logto-auth.guard.js`, 39, [6]),
  frame(6, 'verify', `${ROOT}/node_modules/jsonwebtoken/verify.js`, 20, [7]),
  frame(7, 'verify', 'node:internal/crypto/sig', 100, [8]),
  frame(8, 'verify', ''),
  frame(9, 'handle', `${ROOT}/node_modules/router/index.js`, 149, [11, 12]),
  frame(10, 'writev', ''),
  frame(11, 'writeGeneric', 'node:internal/stream_base_commons', 140, [10]),
  frame(12, 'canActivate', `${ROOT}/.tmp/bench/lib/guards/logto-auth.guard.js`, 39),
];
const PROFILE: CpuProfile = {
  nodes: NODES,
  startTime: 1_000,
  endTime: 2_000,
  // Ten samples, 100 µs each: a sample lasts until the next one, the last until endTime.
  samples: [5, 8, 8, 8, 3, 12, 10, 2, 4, 4],
  timeDeltas: [0, 100, 100, 100, 100, 100, 100, 100, 100, 100],
};

describe('the summary of a CPU profile', () => {
  const summary = summariseProfile(PROFILE, 4);

  it('ranks functions by self time (ties by name), as % of the sampled time and µs per request', () => {
    expect(summary.sampledMicroseconds).toBe(1_000);
    expect(summary.samples).toBe(10);
    expect(summary.functions[0]).toEqual({ name: 'verify', location: '', origin: 'node crypto', selfMicroseconds: 300, percent: 30, microsecondsPerRequest: 75 });
    expect(summary.functions.map((f) => [f.name, f.selfMicroseconds])).toEqual([
      ['verify', 300],
      ['(idle)', 200],
      ['canActivate', 200],
      ['(garbage collector)', 100],
      ['(program)', 100],
      ['writev', 100],
    ]);
  });

  it('counts a function reached by several call paths once, at its own place in our lib/', () => {
    const guard = summary.functions.find((f) => f.name === 'canActivate');
    expect(guard).toEqual({ name: 'canActivate', location: 'lib/guards/logto-auth.guard.js:40', origin: 'nestjs-logto (lib/)', selfMicroseconds: 200, percent: 20, microsecondsPerRequest: 50 });
  });

  it('gives native code the origin of its nearest caller with a URL', () => {
    expect(summary.functions.find((f) => f.name === 'writev')?.origin).toBe('node internals');
    expect(summary.functions.find((f) => f.name === 'verify')?.origin).toBe('node crypto');
  });

  it('adds up the self time of each origin, most first, leaving out origins without any', () => {
    expect(summary.origins.map((o) => [o.origin, o.selfMicroseconds, o.microsecondsPerRequest])).toEqual([
      ['node crypto', 300, 75],
      ['(idle)', 200, 50],
      ['nestjs-logto (lib/)', 200, 50],
      ['(program)', 100, 25],
      ['GC', 100, 25],
      ['node internals', 100, 25],
    ]);
    expect(summary.origins.reduce((sum, o) => sum + o.percent, 0)).toBeCloseTo(100, 9);
  });

  it('keeps the top functions only', () => {
    expect(summariseProfile(PROFILE, 4, 3).functions.map((f) => f.name)).toEqual(['verify', '(idle)', 'canActivate']);
  });

  it('times each sample until the next one, the last until the end of the profile', () => {
    const uneven = summariseProfile({ ...PROFILE, samples: [5, 8, 3], timeDeltas: [10, 50, 250], endTime: 1_410 }, 1);
    expect(uneven.functions.map((f) => [f.name, f.selfMicroseconds])).toEqual([
      ['verify', 250],
      ['(garbage collector)', 100],
      ['canActivate', 50],
    ]);
  });

  it('spreads the duration over hit counts when the profile has no sample list', () => {
    const nodes = NODES.map((node) => ({ ...node, hitCount: node.id === 8 ? 3 : node.id === 5 ? 1 : 0 }));
    const counted = summariseProfile({ nodes, startTime: 0, endTime: 4_000 }, 10);
    expect(counted.samples).toBe(4);
    expect(counted.functions.map((f) => [f.name, f.selfMicroseconds, f.microsecondsPerRequest])).toEqual([
      ['verify', 3_000, 300],
      ['canActivate', 1_000, 100],
    ]);
  });

  it('prints as Markdown: the top functions, then the origins', () => {
    const markdown = formatProfileSummary('logto-module, misses', summary).split('\n');
    expect(markdown[0]).toBe('### logto-module, misses');
    expect(markdown[2]).toBe('4 requests, 0.00 s sampled (10 samples), 250 µs of main-thread time per request.');
    expect(markdown).toContain('| 0.3 ms | 30.0 | 75.0 | `verify` | (native) | node crypto |');
    expect(markdown).toContain('| 0.2 ms | 20.0 | 50.0 | `canActivate` | `lib/guards/logto-auth.guard.js:40` | nestjs-logto (lib/) |');
    expect(markdown).toContain('| nestjs-logto (lib/) | 20.0 | 50.0 |');
    expect(markdown.indexOf('| origin | % | µs/req |')).toBeGreaterThan(markdown.findIndex((line) => line.includes('`canActivate`')));
  });
});

describe('the origin of a function', () => {
  it.each([
    ['passport-jwt', `${ROOT}/node_modules/passport-jwt/lib/strategy.js`, 'passport stack (passport-jwt, jsonwebtoken, jws, jwa, passport)'],
    ['jwa', `${ROOT}/node_modules/jwa/index.js`, 'passport stack (passport-jwt, jsonwebtoken, jws, jwa, passport)'],
    ['a lodash helper of jsonwebtoken', `${ROOT}/node_modules/lodash.includes/index.js`, 'passport stack (passport-jwt, jsonwebtoken, jws, jwa, passport)'],
    ['@nestjs/passport', `${ROOT}/node_modules/@nestjs/passport/dist/auth.guard.js`, 'passport stack (passport-jwt, jsonwebtoken, jws, jwa, passport)'],
    ['jwks-rsa', `${ROOT}/node_modules/jwks-rsa/src/JwksClient.js`, 'jwks-rsa'],
    ['a dependency nested in jwks-rsa', `${ROOT}/node_modules/jwks-rsa/node_modules/jose/dist/index.js`, 'jwks-rsa'],
    ['jose', `${ROOT}/node_modules/jose/dist/webapi/jwt/verify.js`, 'jose'],
    ['@nestjs/core', `${ROOT}/node_modules/@nestjs/core/guards/guards-consumer.js`, '@nestjs, rxjs'],
    ['rxjs', `${ROOT}/node_modules/rxjs/dist/cjs/internal/Observable.js`, '@nestjs, rxjs'],
    ['@nestjs/platform-express', `${ROOT}/node_modules/@nestjs/platform-express/adapters/express-adapter.js`, 'express'],
    ['express', `${ROOT}/node_modules/express/lib/response.js`, 'express'],
    ['node:crypto', 'node:crypto', 'node crypto'],
    ['node:internal/crypto/sig', 'node:internal/crypto/sig', 'node crypto'],
    ['node:_http_server', 'node:_http_server', 'node internals'],
    ['our lib/, compiled', `${ROOT}/.tmp/bench/lib/token/jws.decoder.js`, 'nestjs-logto (lib/)'],
    ['the bench, in a checkout under a lib/ folder', `${ROOT}/.tmp/bench/bench/apps/jose-guard.app.js`, 'bench harness (bench/, test/)'],
    ['a test helper', `${ROOT}/.tmp/bench/test/helpers/keys.js`, 'bench harness (bench/, test/)'],
    ['another package', `${ROOT}/node_modules/autocannon/lib/run.js`, 'other packages'],
  ])('%s', (_, url, origin) => {
    expect(originOf('f', url)).toBe(origin);
  });

  it('names the collector, (program) and (idle), and leaves native code to its caller', () => {
    expect([originOf('(garbage collector)', ''), originOf('(program)', ''), originOf('(idle)', ''), originOf('verify', '')]).toEqual(['GC', '(program)', '(idle)', undefined]);
  });
});

describe('the location of a function', () => {
  it('is shortened to the package or the repository folder, with a 1-based line', () => {
    expect(locationOf(`${ROOT}/node_modules/jsonwebtoken/verify.js`, 20)).toBe('jsonwebtoken/verify.js:21');
    expect(locationOf(`${ROOT}/node_modules/jwks-rsa/node_modules/jose/dist/index.js`, 0)).toBe('jose/dist/index.js:1');
    expect(locationOf(`${ROOT}/.tmp/bench/lib/token/jws.decoder.js`, 28)).toBe('lib/token/jws.decoder.js:29');
    expect(locationOf('node:_http_server', 340)).toBe('node:_http_server:341');
    expect(locationOf('file:///elsewhere/script.js', -1)).toBe('script.js');
    expect(locationOf('', 5)).toBe('');
  });
});

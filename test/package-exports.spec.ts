import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packagesImportedByTypings } from './helpers/typings-imports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ts from 'typescript';
import { ConsumerProject, createConsumerProject } from './helpers/consumer-project';
import { readReadmeExamples } from './helpers/readme-examples';

const root = resolve(__dirname, '..');
// The whole public surface, pinned: adding or removing a name is a decision, made here on purpose.
// Values (what require() and import see), per entry point of package.json's `exports`:
const VALUES: Record<string, readonly string[]> = {
  'nestjs-logto': [
    'AnyScope', 'CurrentUser', 'DEFAULT_ALGORITHMS', 'LogtoAuthContexts', 'LogtoAuthCounters', 'LogtoAuthErrorCode', 'LogtoAuthException', 'LogtoAuthGuard',
    'LogtoAuthModule', 'LogtoAuthWarmUpError', 'LogtoGraphQLError', 'LogtoTokenCache', 'OptionalAuth', 'OrganizationId', 'Public', 'RequireOrganization',
    'SUPPORTED_ALGORITHMS', 'Scopes',
  ],
  'nestjs-logto/swagger': ['LOGTO_SECURITY_SCHEME', 'addLogtoBearerAuth', 'createLogtoSwaggerDocument'],
  'nestjs-logto/testing': ['startLogtoTestIssuer'],
};
// ... and the names that exist only as types.
const TYPES: Record<string, readonly string[]> = {
  'nestjs-logto': [
    'AuthContext', 'AuthRequest', 'LogtoAccessTokenClaims', 'LogtoAuthCountersSnapshot', 'LogtoAuthExceptionDetails', 'LogtoAuthModuleOptions', 'LogtoAuthOptionsFactory',
    'LogtoGraphQLErrorExtensions', 'LogtoRefusalPayload', 'LogtoSigningAlgorithm', 'LogtoTenantOptions', 'LogtoTokenCacheOptions', 'LogtoUser',
    'LogtoUserValidator', 'LogtoUserValidatorFn', 'LogtoWarmUp', 'OrganizationRequirement',
  ],
  'nestjs-logto/swagger': [],
  'nestjs-logto/testing': ['LogtoRefusedTestTokens', 'LogtoTestIssuer', 'LogtoTestIssuerOptions', 'LogtoTestModuleOptions', 'LogtoTestTokenOptions', 'PublicSigningJwk'],
};
const EXPORTS = [...VALUES['nestjs-logto']];
// Internals: their typings pull in passport / passport-jwt types, and their shape is not a promise.
const INTERNALS = [
  'LogtoStrategy', 'VerifiedTokenCache', 'IssuerKeyResolvers', 'LOGTO_AUTH_OPTIONS', 'OPTIONS_TYPE', 'ASYNC_OPTIONS_TYPE', 'ConfigurableLogtoAuthModule',
  'ResolvedLogtoAuthOptions', 'ResolvedLogtoTenant', 'LogtoAuthFailure', 'DEFAULT_CLAIM_READING',
];
const sorted = (names: Iterable<string>) => [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, { types?: string }>; peerDependencies: Record<string, string> };

/** Builds the package as it is published and loads it the two ways users do: require() and import. */
describe('the built package', () => {
  let consumer: ConsumerProject;

  beforeAll(() => {
    const dependencies = ['@nestjs/common', '@nestjs/core', '@nestjs/passport', '@nestjs/swagger', 'passport', 'passport-jwt', 'jwks-rsa', 'reflect-metadata', 'rxjs', '@types/node'];
    consumer = createConsumerProject(dependencies, {});
  }, 120_000);
  afterAll(() => consumer?.remove());

  const run = (file: string, code: string) => {
    consumer.write(file, code);
    const result = consumer.run('.', [file]);
    expect(result.status, result.stderr).toBe(0);
    return result.stdout;
  };

  it('loads with require()', () => {
    const out = run('load.cjs', "console.log(Object.keys(require('nestjs-logto')).sort().join(','))");
    expect(out.trim().split(',')).toEqual(expect.arrayContaining(EXPORTS));
  });

  it('keeps the internals out of the public surface', () => {
    const names = run('internals.cjs', "console.log(Object.keys(require('nestjs-logto')).join(','))").trim().split(',');
    expect(names.filter((name) => INTERNALS.includes(name))).toEqual([]);
  });

  it.each(Object.keys(VALUES))('%s exports exactly the pinned values, through require() and import alike', (entry) => {
    const required = run(`values-${entry.replace('/', '-')}.cjs`, `console.log(Object.keys(require('${entry}')).sort().join(','))`);
    const imported = run(`values-${entry.replace('/', '-')}.mjs`, `import * as m from '${entry}'; console.log(Object.keys(m).sort().join(','))`);
    expect(required.trim().split(',').filter(Boolean)).toEqual(sorted(VALUES[entry]));
    // Node's ES module wrapper of a CommonJS module adds `default` (module.exports) and names `__esModule`.
    const wrapper = ['default', '__esModule', 'module.exports']; // Node 24 also names the CommonJS module itself
    expect(imported.trim().split(',').filter((name) => name && !wrapper.includes(name))).toEqual(sorted(VALUES[entry]));
  });

  it('publishes exactly the pinned names in the typings of every entry point, and nothing internal', () => {
    const entries = Object.keys(VALUES);
    const files = entries.map((entry) => join(consumer.dir, 'node_modules/nestjs-logto', manifest.exports[entry === 'nestjs-logto' ? '.' : `./${entry.split('/')[1]}`].types as string));
    const program = ts.createProgram(files, { strict: true, skipLibCheck: true, noEmit: true, types: [] });
    const checker = program.getTypeChecker();
    entries.forEach((entry, i) => {
      const module = checker.getSymbolAtLocation(program.getSourceFile(files[i])!)!;
      const names = checker.getExportsOfModule(module).map((symbol) => symbol.name);
      expect(sorted(names), entry).toEqual(sorted([...VALUES[entry], ...TYPES[entry]]));
      expect(names.filter((name) => INTERNALS.includes(name)), entry).toEqual([]);
    });
  });

  it('publishes typings that import only peer dependencies, so skipLibCheck: false compiles without extra @types', () => {
    const entries = Object.values(manifest.exports).flatMap((entry) => (entry.types ? [join(consumer.dir, 'node_modules/nestjs-logto', entry.types)] : []));
    expect(entries.length).toBeGreaterThan(1);
    const imported = packagesImportedByTypings(entries);
    expect(imported.size).toBeGreaterThan(0); // @nestjs/common at least: the scan reads real imports
    const notPeers = [...imported].filter(([name]) => !(name in manifest.peerDependencies)).map(([name, from]) => `${name} (${from})`);
    expect(notPeers).toEqual([]);
  });

  it('loads with import', () => {
    const out = run('load.mjs', "import * as m from 'nestjs-logto'; import { LogtoAuthModule } from 'nestjs-logto'; console.log(typeof LogtoAuthModule.forRoot, Object.keys(m).sort().join(','))");
    const [forRoot, names] = out.trim().split(' ');
    expect(forRoot).toBe('function');
    expect(names.split(',')).toEqual(expect.arrayContaining(EXPORTS));
  });

  // The testing entry point needs nothing beyond node:crypto and node:http: jose (a devDependency) is not in this project.
  it('loads nestjs-logto/testing with require() and import, without jose', () => {
    const code = (load: string) =>
      `${load}; startLogtoTestIssuer().then(async (issuer) => { console.log(issuer.token().split('.').length, JSON.stringify(Object.keys(issuer.moduleOptions()))); await issuer.close(); })`;
    const expected = `3 ${JSON.stringify(['issuer', 'jwksUri', 'audience'])}`;
    expect(run('testing.cjs', code("const { startLogtoTestIssuer } = require('nestjs-logto/testing')")).trim()).toBe(expected);
    expect(run('testing.mjs', code("import { startLogtoTestIssuer } from 'nestjs-logto/testing'")).trim()).toBe(expected);
  });

  it("compiles the README's metrics recipe (LogtoAuthCounters, LogtoTokenCache) with strict and skipLibCheck: false", () => {
    for (const example of readReadmeExamples('metrics', ['src/metrics.controller.ts'])) consumer.write(`metrics/${example.path}`, example.code);
    const compilerOptions = { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'ES2022', experimentalDecorators: true, emitDecoratorMetadata: true, isolatedModules: true, types: ['node'], skipLibCheck: false, noEmit: true };
    consumer.write('tsconfig.metrics.json', JSON.stringify({ compilerOptions, include: ['metrics'] }));
    const tsc = consumer.run('.', [join(__dirname, '../node_modules/typescript/bin/tsc'), '-p', 'tsconfig.metrics.json']);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 60_000);

  // skipLibCheck off, as in a new Nest app: the published .d.ts may only name types the app already has.
  it('types nestjs-logto/testing for a strict TypeScript consumer', () => {
    consumer.write(
      'consumer.ts',
      [
        "import { startLogtoTestIssuer, type LogtoTestIssuer } from 'nestjs-logto/testing';",
        '// What LogtoAuthModule.forRoot() reads of these options (checked against the real type by the e2e suite).',
        'type TrustOptions = { issuer?: string | readonly string[]; jwksUri?: string; audience?: string | readonly string[] };',
        'export async function setUp(): Promise<LogtoTestIssuer> {',
        "  await using disposable = await startLogtoTestIssuer({ alg: 'RS256' });",
        "  const issuer = await startLogtoTestIssuer({ audience: 'https://api.example.com' });",
        '  const options: TrustOptions = { ...issuer.moduleOptions(), ...disposable.moduleOptions({ audience: [issuer.audience] }) };',
        "  issuer.token({ sub: 'u', scopes: ['read:documents'], audience: options.audience, expiresIn: 60, claims: { x: 1 }, header: { y: 2 } }).split('.');",
        "  issuer.tokens.withoutScopes({ sub: 'm2m' }).split('.');",
        '  return issuer;',
        '}',
      ].join('\n'),
    );
    const tsconfig = { compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'ES2022', lib: ['ES2022', 'ESNext.Disposable'], types: ['node'], skipLibCheck: false, noEmit: true }, files: ['consumer.ts'] };
    consumer.write('tsconfig.json', JSON.stringify(tsconfig));
    const tsc = consumer.run('.', [join(__dirname, '../node_modules/typescript/bin/tsc'), '-p', '.']);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 60_000);
});

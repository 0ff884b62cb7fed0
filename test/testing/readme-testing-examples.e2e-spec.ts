import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsumerProject, createConsumerProject } from '../helpers/consumer-project';
import { node24Binary } from '../helpers/node-24';
import { readReadmeExamples } from '../helpers/readme-examples';

// The README's "Testing your protected routes" examples, run as a user runs them: in apps outside this
// repository that import the built package by name, type-checked by tsc with nest new's settings, then
// run by Jest (a CommonJS app, as `nest new --type cjs` makes) and by Vitest (an ES module app).
const DEPENDENCIES = [
  '@nestjs/common', '@nestjs/core', '@nestjs/testing', '@nestjs/passport', '@nestjs/config', '@nestjs/platform-express',
  '@nestjs/platform-fastify', 'passport', 'passport-jwt', 'jwks-rsa', 'reflect-metadata', 'rxjs', 'supertest', 'typescript',
  'jest', 'ts-jest', '@jest/globals', 'vitest', '@types/node', '@types/supertest',
  // @nestjs/passport's own .d.ts needs @types/passport; the package's typings name no passport-jwt type,
  // so @types/passport-jwt is left out on purpose.
  '@types/passport',
];

// nest new's compiler settings (skipLibCheck left at its default, false); each app's package.json
// makes its files CommonJS (Jest app) or ES modules (Vitest app) under `nodenext`.
const TSCONFIG = {
  compilerOptions: {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    resolvePackageJsonExports: true,
    esModuleInterop: true,
    isolatedModules: true,
    target: 'ES2023',
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    types: ['node'],
    noEmit: true,
  },
  include: ['jest-app', 'vitest-app'],
};
const VITEST_CONFIG = `import { defineConfig } from 'vitest/config';
export default defineConfig({
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  test: { include: ['test/**/*.e2e-spec.ts'] },
});
`;

describe('README: Testing your protected routes', () => {
  const jestFiles = readReadmeExamples('testing-jest', ['src/documents.controller.ts', 'test/jest-e2e.json', 'test/documents.e2e-spec.ts']);
  const vitestFiles = readReadmeExamples('testing-vitest', ['src/app.module.ts', 'test/documents.e2e-spec.ts']);
  const controller = jestFiles.find((file) => file.path === 'src/documents.controller.ts')!;
  let project: ConsumerProject;

  beforeAll(() => {
    project = createConsumerProject(DEPENDENCIES, { private: true });
    project.write('tsconfig.json', JSON.stringify(TSCONFIG));
    project.write('jest-app/package.json', JSON.stringify({ private: true }));
    for (const file of jestFiles) project.write(`jest-app/${file.path}`, file.code);
    project.write('vitest-app/package.json', JSON.stringify({ private: true, type: 'module' }));
    project.write('vitest-app/vitest.config.mts', VITEST_CONFIG);
    for (const file of [controller, ...vitestFiles]) project.write(`vitest-app/${file.path}`, file.code);
  }, 120_000);
  afterAll(() => project?.remove());

  it('both examples compile with the strict settings of nest new', () => {
    const tsc = project.run('.', ['node_modules/typescript/bin/tsc', '-p', '.']);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 90_000);

  it('the Jest + supertest example passes in under a minute: 200, 401, 403 and every refused token', () => {
    const node = node24Binary();
    const started = Date.now();
    const jest = project.run('jest-app', ['../node_modules/jest/bin/jest.js', '--config', './test/jest-e2e.json', '--ci', '--colors=false'], {
      node,
      env: { NODE_OPTIONS: '--experimental-vm-modules' },
    });
    expect(jest.stderr).toMatch(/Tests:\s+8 passed, 8 total/);
    expect(jest.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);

  it('the Vitest example passes: 200, 401 and 403 over Fastify, the app configured from the environment', () => {
    const vitest = project.run('vitest-app', ['../node_modules/vitest/vitest.mjs', 'run', '--no-color'], { env: { NO_COLOR: '1' } });
    expect(vitest.stdout).toMatch(/Tests\s+3 passed \(3\)/);
    expect(vitest.status).toBe(0);
  }, 90_000);
});

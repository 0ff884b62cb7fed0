import { defineConfig } from 'vitest/config';

// `npm run test:consumers`: packs the package, installs the tarball from the npm registry into fresh
// consumer apps and runs them. Needs the network and a few minutes, so it is not part of `npm test`;
// .ci/run runs it.
export default defineConfig({
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } } as never,
  test: {
    include: ['test/consumer/**/*.consumer-spec.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});

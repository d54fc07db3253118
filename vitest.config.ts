import { configDefaults, defineConfig } from 'vitest/config';

// Two projects, so the split is declared here once: `npm test` runs both, `npm run test:unit`
// only `unit`: test/unit without the files that start another process or a fake of another
// system, or load the model. Express middleware tested through supertest stays unit: supertest
// listens on an ephemeral port inside the test's own process, for the one request.
// Both npm scripts pass --allowOnly=false: a committed `.only` fails the run instead of silently
// skipping the rest (ESLint refuses it too); `npx vitest run <file>` still honours one.
const NOT_UNIT = [
  // esbuild builds the Lambda's Clarifai bundle and a child node runs it against the gRPC fake.
  'test/unit/clarifai-bundle.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The local model and SQLite are heavy: forks keep native modules isolated per file.
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...NOT_UNIT],
        },
      },
      {
        extends: true,
        // Everything else: every folder of test/ but unit/, and what unit/ holds that is not unit.
        test: {
          name: 'slow',
          include: ['test/*.test.ts', 'test/!(unit)/**/*.test.ts', ...NOT_UNIT],
        },
      },
    ],
  },
});

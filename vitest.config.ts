import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The local model and SQLite are heavy: forks keep native modules isolated per file.
    pool: 'forks',
  },
});

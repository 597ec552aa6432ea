import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/setup/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Integration tests share one broker; files run in parallel workers, so each test
    // uses unique topic and group names.
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ['default'],
  },
});

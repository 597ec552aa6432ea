import { defineConfig } from 'vitest/config';

/**
 * `npm run test:compose`: docker-compose.yml for real (scripts/test-compose.sh starts a
 * Docker engine if none answers and builds the images first). The stack brings its own
 * Kafka, so no global setup.
 */
export default defineConfig({
  test: {
    include: ['tests/compose/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    reporters: ['default'],
  },
});

import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Integration tests share one broker; files run in parallel workers, so each test
    // uses unique topic and group names.
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ['default'],
    // Vitest runs a project's global setup only when the run holds files of that project,
    // so `vitest run tests/unit` (npm run test:unit) starts no broker and `vitest run`
    // (npm test) starts one, once, as before.
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'broker',
          // every test outside tests/unit talks to a real Kafka (integration, faults, and any
          // new folder), except tests/gpu, which need a WebGPU adapter (npm run test:gpu), and
          // tests/compose, which bring their own cluster (npm run test:compose)
          include: ['tests/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'tests/unit/**', 'tests/gpu/**', 'tests/compose/**'],
          globalSetup: ['tests/setup/global-setup.ts'],
        },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config';

/**
 * `npm run test:gpu`: the trainer on tfjs's WebGPU backend (scripts/test-gpu.sh runs it in
 * a Debian 13 container with software Vulkan when the host has no GPU). No Kafka needed.
 */
export default defineConfig({
  test: {
    include: ['tests/unit/trainer/executor-equivalence.test.ts', 'tests/gpu/**/*.test.ts'],
    env: { EXECUTOR_EQUIVALENCE_BACKEND: 'webgpu' },
    testTimeout: 600_000,
    fileParallelism: false,
    reporters: ['default'],
  },
});

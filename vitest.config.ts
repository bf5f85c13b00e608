import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000, pool: 'forks' } },
      { test: { name: 'webgpu', include: ['tests/webgpu/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 300_000, pool: 'forks', fileParallelism: false } },
      { test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 600_000, pool: 'forks', fileParallelism: false } },
    ],
  },
});

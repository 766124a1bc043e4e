import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/engine-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Builds share one engine of 2 cores: run files one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});

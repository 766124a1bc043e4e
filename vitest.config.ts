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
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          // The engine and its test image, Chromium, and the renderer built from these sources.
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          // One browser and one engine: files one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});

import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Most test time is spent waiting on child processes (`heed run`, `heed serve`, MCP servers, Chromium), so
    // files run three at a time even on two cores; vitest's default (cores - 1) runs them one by one there.
    maxWorkers: Math.max(3, availableParallelism() - 1),
  },
});

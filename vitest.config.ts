import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default (one fewer than the cores) is a single worker on a 2-core machine: 746 s
    // there, 529 s with two (most test time is waiting on sockets, servers and the browser).
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});

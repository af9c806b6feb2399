import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each file opens its own PGlite (0.5–0.8 GB, 2–5 s): keep parallelism to the machine's 2 cores.
    maxWorkers: 2,
    // Files share a worker's module cache: PGlite's WASM is compiled once per worker instead of once
    // per file, which halves the suite's CPU time. Test files keep their state in their own module
    // and their own database (test/support/harness.ts), never in shared modules.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

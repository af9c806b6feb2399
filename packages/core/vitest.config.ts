// Vitest for the pure core package: unit and fast-check property tests (ARCHITECTURE.md, "Tests").
// The package's `test` script reruns this suite under several TZ values; nothing may depend on it.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});

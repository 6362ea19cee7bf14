// The renderer's component and store tests: vitest in happy-dom, one file per view or piece, under
// test/unit/renderer/. The rest of the suites run on node's own test runner (test/run.mjs).
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  test: {
    environment: 'happy-dom',
    include: ['test/unit/renderer/**/*.test.{ts,tsx}'],
    setupFiles: ['test/unit/renderer/setup.ts'],
    restoreMocks: true,
    // Interaction tests on a shared, busy machine: generous limits, never a wall-clock assertion.
    testTimeout: 30_000,
    expect: { poll: { timeout: 10_000 } },
    // Two cores are shared by several engineers.
    maxWorkers: 2,
  },
});

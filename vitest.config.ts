import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests that start real helm/kubectl processes are CPU-bound on a 2-core machine.
    maxWorkers: 2,
    // CI=true puts Ink into CI mode (only the last frame is drawn): the UI tests read every frame.
    env: { CI: 'false' },
  },
});

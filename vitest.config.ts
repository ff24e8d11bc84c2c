import { defineConfig } from 'vitest/config';

// Unit and store tests. Browser e2e runs separately (vitest.e2e.config.ts) against the built extension.
export default defineConfig({
  test: {
    // JSON beside the console output: scripts/test-summary.ts totals the suites for CI.
    reporters: ['default', ['json', { outputFile: 'test-results/unit.json' }]],
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    environment: 'node',
    pool: 'threads',
    // Tests that parse real saved pages (a Reddit thread is 2 MB of HTML) take 5–6 s in happy-dom on
    // a 2-core machine with a browser running beside them; vitest's 5 s default would fail them for
    // the machine, not for Kindred. No test asserts a time.
    testTimeout: 30_000,
  },
});

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
  },
});

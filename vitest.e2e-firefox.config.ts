// End-to-end tests in real Firefox ESR: the built dist/firefox, driven by puppeteer-core over
// WebDriver BiDi (scripts/lib/firefox-harness.ts, ../shared/firefox-e2e.md).
// `npm run test:e2e:firefox` builds first; the unit config never picks these up.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // JSON beside the console output: scripts/test-summary.ts totals the suites for CI.
    reporters: ['default', ['json', { outputFile: 'test-results/e2e-firefox.json' }]],
    include: ['tests/e2e-firefox/**/*.e2e.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
    // Each file walks through one user scenario step by step: the order in the file is the order they run.
    sequence: { concurrent: false, shuffle: false },
  },
});

// End-to-end tests: the built dist/chrome in real Chromium (see ../shared/e2e-recipe.md).
// `npm run test:e2e` builds first; the unit config (vitest.config.ts) never picks these up.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // JSON beside the console output: scripts/test-summary.ts totals the suites for CI.
    reporters: ['default', ['json', { outputFile: 'test-results/e2e.json' }]],
    include: ['tests/e2e/**/*.e2e.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
    // One browser session walks through the user's scenario step by step; later steps use what
    // earlier ones set up, so the order in the file is the order they run.
    sequence: { concurrent: false, shuffle: false },
  },
});

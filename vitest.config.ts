import { defineConfig } from 'vitest/config';

// Unit and store tests. Browser e2e runs separately (vitest.e2e.config.ts) against the built extension.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    environment: 'node',
    pool: 'threads',
  },
});

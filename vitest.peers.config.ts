import { defineConfig } from 'vitest/config';

/**
 * `npm run test:peers`: certgrid's scanner beside testssl.sh and sslscan (test/peers/). Minutes long (testssl.sh
 * takes up to a minute or two per server), so it is not part of `npm test`.
 */
export default defineConfig({
  test: {
    include: ['test/peers/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 1_800_000,
    pool: 'forks',
  },
});

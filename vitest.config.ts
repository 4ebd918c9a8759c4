import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    // A guard against a hang, not a speed check: CLI tests start several processes each, and on
    // the 2-core machine with a second `npm test` beside this one (issue 17) a test that takes
    // 20 s alone took 60 s. Tests wait for events; a time-out only ends a test that never would.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // 2 cores: PostgreSQL needs one; more workers only contend.
    maxWorkers: 2,
    pool: 'forks',
  },
});

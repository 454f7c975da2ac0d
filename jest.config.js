/**
 * Tests compile with module node16 (tsconfig.jest.json) so `import()` stays a real dynamic import,
 * and run with --experimental-vm-modules (see package.json), so ESM-only packages such as
 * openid-client and oidc-provider load inside jest.
 * globalSetup prepares one PostgreSQL server for the run, started on first use (test/support/postgres.ts).
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: false }] },
  testTimeout: 30000,
  // one PostgreSQL server per run, started when a test first asks for a database (test/support/postgres.ts)
  globalSetup: '<rootDir>/test/support/postgresGlobalSetup.ts',
  globalTeardown: '<rootDir>/test/support/postgresGlobalTeardown.ts',
  reporters: ['default', '<rootDir>/test/support/summaryReporter.js'],
};

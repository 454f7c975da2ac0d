/**
 * Tests compile with module node16 (tsconfig.jest.json) so `import()` stays a real dynamic import,
 * and run with --experimental-vm-modules (see package.json), so ESM-only packages such as
 * openid-client and oidc-provider load inside jest.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: false }] },
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/support/summaryReporter.js'],
};

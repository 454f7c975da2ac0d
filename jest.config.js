/**
 * Tests compile with module node16 (tsconfig.jest.json) so `import()` stays a real dynamic import,
 * and run with --experimental-vm-modules (see package.json), so ESM-only packages such as
 * openid-client and oidc-provider load inside jest.
 * globalSetup prepares one PostgreSQL server for the run, started on first use (test/support/postgres.ts).
 * @type {import('jest').Config}
 */
const project = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: false }] },
};

/**
 * The suites that run a second time on PostgreSQL (test/support/onPostgres.ts makes createTestContext
 * and createTestApp use it): every one that goes through the domain, HTTP or the CLI only. The others
 * read SQLite's file directly, or test SQLite itself.
 */
const onBothDatabases = [
  'integration/alertWebhook',
  'integration/apiTokens',
  'integration/appsApi',
  'integration/authThrottle',
  'integration/authorizationMatrix',
  'integration/badInput',
  'integration/consoleLargeOrg',
  'integration/consoleSelfServe',
  'integration/consoleWebhooks',
  'integration/membersApi',
  'integration/metrics',
  'integration/oidcAttacks',
  'integration/oidcSignIn',
  'integration/oktaSpecTest',
  'integration/opEmailLink',
  'integration/opSamlSignIn',
  'integration/opSignIn',
  'integration/openapi',
  'integration/operatorApi',
  'integration/requestLog',
  'integration/roleBoundaries',
  'integration/samlSignIn',
  'integration/scimBadInput',
  'integration/scimGroups',
  'integration/scimReplays',
  'integration/scimRepresentation',
  'integration/scimUsers',
  'integration/seatsApi',
  'integration/secretsInLogs',
  'integration/webhooks',
  'e2e/console',
  'e2e/seatAlertsAndInvoices',
  'e2e/selfServeConsole',
  'unit/alerts',
  'unit/groupNameKeys',
  'unit/ifVersion',
  'unit/invitationLifecycle',
  'unit/ledger',
  'unit/ledger.property',
  'unit/opRecords',
  'unit/periodicWork',
  'unit/provisioningEngine',
  'unit/renewal',
  'unit/scimFilter.property',
  'unit/sessions',
];

module.exports = {
  testTimeout: 30000,
  // most suites wait on child processes, PostgreSQL or a browser: two at a time even on a 2-core machine
  maxWorkers: 2,
  // one PostgreSQL server per run, started when a test first asks for a database (test/support/postgres.ts)
  globalSetup: '<rootDir>/test/support/postgresGlobalSetup.ts',
  globalTeardown: '<rootDir>/test/support/postgresGlobalTeardown.ts',
  reporters: ['default', '<rootDir>/test/support/summaryReporter.js'],
  projects: [
    { ...project, displayName: 'sqlite' },
    {
      ...project,
      displayName: 'postgres',
      testMatch: onBothDatabases.map((name) => `<rootDir>/test/${name}.test.ts`),
      setupFiles: ['<rootDir>/test/support/onPostgres.ts'],
    },
  ],
};

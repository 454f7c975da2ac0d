// The `postgres` project of jest.config.js: createTestContext and createTestApp use PostgreSQL.
process.env.SEATD_TEST_DATABASE = 'postgres';

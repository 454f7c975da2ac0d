import { startTestPostgres } from './postgres';

/** jest globalSetup: the run's PostgreSQL server (test/support/postgres.ts). */
export default startTestPostgres;

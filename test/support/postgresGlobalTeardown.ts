import { stopTestPostgres } from './postgres';

/** jest globalTeardown: stops the run's PostgreSQL server and deletes its data folder. */
export default stopTestPostgres;

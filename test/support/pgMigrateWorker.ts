import { migratePostgres, openPostgres } from '../../db/postgres';

/**
 * One process migrating a PostgreSQL database, for the tests of several processes starting at once:
 * `node -r tsx/cjs test/support/pgMigrateWorker.ts <url> <startAt ms>`; waits until startAt so the
 * processes migrate together, then prints {"ok":true,"ms":…} or {"ok":false,"error":…}.
 */
async function main(): Promise<void> {
  const [url, startAt] = process.argv.slice(2);
  if (!url || !startAt) throw new Error('usage: pgMigrateWorker <url> <startAt>');
  const db = openPostgres(url, { poolSize: 2, applicationName: `seatd-migrate-${process.pid}` });
  await db.$client.query('SELECT 1'); // connected before the start line
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
  const t0 = performance.now();
  try {
    await migratePostgres(db);
    console.log(JSON.stringify({ ok: true, ms: Math.round(performance.now() - t0) }));
  } catch (error) {
    console.log(JSON.stringify({ ok: false, error: error instanceof Error ? error.message : String(error) }));
  } finally {
    await db.$client.end();
  }
}

void main();

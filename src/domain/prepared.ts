import type { Queryable } from './context';

/*
 * Hot repository queries are built and prepared once per database connection and then only bound
 * and run: drizzle's query building and SQLite's statement preparation were most of the cost of a
 * SCIM create. A transaction shares its connection with the database, so a statement prepared on
 * either runs inside the caller's transaction.
 */
const caches = new WeakMap<object, Map<string, unknown>>();

/** The database connection under a handle: a transaction and its database answer the same one. */
export function connectionOf(q: Queryable): object {
  return (q as unknown as { session: { client: object } }).session.client;
}

export function prepared<T>(q: Queryable, key: string, build: (q: Queryable) => T): T {
  const client = connectionOf(q);
  let cache = caches.get(client);
  if (!cache) caches.set(client, (cache = new Map()));
  let statement = cache.get(key) as T | undefined;
  if (!statement) {
    statement = build(q);
    cache.set(key, statement);
  }
  return statement;
}

import type { Queryable } from './context';

/*
 * Hot repository queries are built and prepared once per database connection and then only bound
 * and run: drizzle's query building and SQLite's statement preparation were most of the cost of a
 * SCIM create. A transaction shares its connection with the database, so a statement prepared on
 * either runs inside the caller's transaction.
 */
type Params = Record<string, unknown>;
type PreparedQuery = { all(params?: Params): unknown; execute(params?: Params): unknown };
type RowOf<Q> = Q extends { all(params?: Params): infer R } ? (Awaited<R> extends (infer E)[] ? E : never) : never;

/** A prepared statement as the domain sees it: awaited, whatever the driver. */
export type Statement<Row> = {
  get(params?: Params): Promise<Row | undefined>;
  all(params?: Params): Promise<Row[]>;
  run(params?: Params): Promise<void>;
};

const caches = new WeakMap<object, Map<string, Statement<unknown>>>();

/** The database connection under a handle: a transaction and its database answer the same one. */
export function connectionOf(q: Queryable): object {
  return (q as unknown as { session: { client: object } }).session.client;
}

export function prepared<Q extends PreparedQuery, Row = RowOf<Q>>(q: Queryable, key: string, build: (q: Queryable) => Q): Statement<Row> {
  const client = connectionOf(q);
  let cache = caches.get(client);
  if (!cache) caches.set(client, (cache = new Map()));
  let statement = cache.get(key) as Statement<Row> | undefined;
  if (!statement) {
    const query = build(q);
    statement = {
      get: async (params) => ((await query.all(params)) as Row[])[0],
      all: async (params) => (await query.all(params)) as Row[],
      run: async (params) => {
        await query.execute(params);
      },
    };
    cache.set(key, statement as Statement<unknown>);
  }
  return statement;
}

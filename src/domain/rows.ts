/** The first row of a query's answer: `await query.then(firstRow)` works on either database's query builder. */
export function firstRow<T>(rows: T[]): T | undefined {
  return rows[0];
}

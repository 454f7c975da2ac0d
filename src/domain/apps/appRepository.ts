import { asc, eq } from 'drizzle-orm';
import { apps } from '../../../db/schema';
import type { Queryable } from '../context';
import { firstRow } from '../rows';

export type AppRow = typeof apps.$inferSelect;

export async function findApp(q: Queryable, clientId: string): Promise<AppRow | undefined> {
  return q.select().from(apps).where(eq(apps.clientId, clientId)).then(firstRow);
}

export async function listAppRows(q: Queryable): Promise<AppRow[]> {
  return q.select().from(apps).orderBy(asc(apps.createdAt), asc(apps.clientId));
}

export async function insertApp(q: Queryable, row: AppRow): Promise<void> {
  await q.insert(apps).values(row);
}

export async function deleteAppRow(q: Queryable, clientId: string): Promise<boolean> {
  return (await q.delete(apps).where(eq(apps.clientId, clientId))).changes > 0;
}

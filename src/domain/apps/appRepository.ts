import { asc, eq } from 'drizzle-orm';
import { apps } from '../../../db/schema';
import type { Queryable } from '../context';

export type AppRow = typeof apps.$inferSelect;

export function findApp(q: Queryable, clientId: string): AppRow | undefined {
  return q.select().from(apps).where(eq(apps.clientId, clientId)).get();
}

export function listAppRows(q: Queryable): AppRow[] {
  return q.select().from(apps).orderBy(asc(apps.createdAt), asc(apps.clientId)).all();
}

export function insertApp(q: Queryable, row: AppRow): void {
  q.insert(apps).values(row).run();
}

export function deleteAppRow(q: Queryable, clientId: string): boolean {
  return q.delete(apps).where(eq(apps.clientId, clientId)).run().changes > 0;
}

import { migrateDatabase } from '../../db/connection';
import { databaseBeforeMigration } from '../support/migrationsBefore';
import { nextInvoiceNumber } from '../../src/domain/ledger/ledgerRepository';

/** A database whose invoices were numbered by counting them: the counters take over where the numbers end. */
describe('the invoice counter migration', () => {
  it('starts each year’s counter at the highest number issued, so the next invoice follows it', async () => {
    const { db, close } = databaseBeforeMigration('0018_invoice_counters');
    const client = db.$client;
    client.exec(`INSERT INTO orgs (id, name, provisioning_mode, created_at) VALUES ('org_1', 'Acme', 'manual', '2025-01-01')`);
    const insert = client.prepare(
      `INSERT INTO invoices (id, org_id, number, issued_at, effective_date, remaining_months, currency, total_amount, idempotency_key, request_hash, created_by)
       VALUES (?, 'org_1', ?, '2026-01-01T00:00:00Z', '2026-01-01', 12, 'USD', 100, ?, 'h', 'operator')`,
    );
    insert.run('inv_1', 'INV-2025-000007', 'k1');
    insert.run('inv_2', 'INV-2026-000002', 'k2');
    insert.run('inv_3', 'INV-2026-000010', 'k3');

    migrateDatabase(db);
    expect(client.prepare('SELECT prefix, last FROM invoice_counters ORDER BY prefix').all()).toEqual([
      { prefix: 'INV-2025-', last: 7 },
      { prefix: 'INV-2026-', last: 10 },
    ]);
    expect(await nextInvoiceNumber(db, 2026)).toBe('INV-2026-000011');
    expect(await nextInvoiceNumber(db, 2027)).toBe('INV-2027-000001');
    close();
  });
});

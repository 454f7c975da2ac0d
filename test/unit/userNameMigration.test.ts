import { migrateDatabase } from '../../db/connection';
import { databaseBeforeMigration } from '../support/migrationsBefore';

/** A database made before userName was stored as sent: migrating restores the IdP's spelling where seatd still has it. */
describe('the userName-as-sent migration', () => {
  it('restores the userName an IdP sent from the attributes kept with it, and keeps uniqueness without regard to case', () => {
    const { db, close } = databaseBeforeMigration('0015_member_user_name_as_sent');
    const client = db.$client;
    client.exec(`INSERT INTO orgs (id, name, provisioning_mode, created_at) VALUES ('org_1', 'Acme', 'scim', '2026-01-01')`);
    const insert = client.prepare(
      `INSERT INTO members (id, org_id, email, user_name, role, status, seat_type, source, scim_attributes, created_at, updated_at)
       VALUES (?, 'org_1', ?, ?, 'member', 'active', 'standard', ?, ?, '2026-01-01', '2026-01-01')`,
    );
    insert.run('mem_1', 'ada@acme.com', 'ada.lovelace@acme.com', 'scim', JSON.stringify({ userName: 'Ada.Lovelace@acme.com' }));
    insert.run('mem_2', 'bob@acme.com', 'bob@acme.com', 'manual', null);
    insert.run('mem_3', 'cy@acme.com', 'cy@acme.com', 'scim', JSON.stringify({ userName: 'somebody-else' }));

    migrateDatabase(db);
    const userNames = client.prepare('SELECT id, user_name AS userName FROM members ORDER BY id').all();
    expect(userNames).toEqual([
      { id: 'mem_1', userName: 'Ada.Lovelace@acme.com' },
      { id: 'mem_2', userName: 'bob@acme.com' },
      { id: 'mem_3', userName: 'cy@acme.com' },
    ]);
    expect(() => insert.run('mem_4', 'ada2@acme.com', 'ADA.LOVELACE@ACME.COM', 'scim', null)).toThrow(/UNIQUE/);
    close();
  });
});

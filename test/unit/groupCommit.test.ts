import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { GroupCommit } from '../../db/groupCommit';

/** Two connections to one real SQLite file: the writer under group commit, and an outsider that sees only what is committed. */
function setup(hooks: ConstructorParameters<typeof GroupCommit>[1] = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seatd-gc-'));
  const file = path.join(dir, 'gc.db');
  const writer = new Database(file);
  writer.pragma('journal_mode = WAL');
  writer.pragma('foreign_keys = ON');
  writer.exec(`
    CREATE TABLE parents (id TEXT PRIMARY KEY);
    CREATE TABLE items (name TEXT PRIMARY KEY, parent TEXT REFERENCES parents(id));
    CREATE TABLE doomed (x INTEGER);
    CREATE TRIGGER doomed_rolls_back BEFORE INSERT ON doomed BEGIN SELECT RAISE(ROLLBACK, 'the whole transaction is rolled back'); END;
  `);
  const outsider = new Database(file, { readonly: true });
  const gc = new GroupCommit(writer, hooks);
  const insert = writer.prepare('INSERT INTO items (name) VALUES (?)');
  const add = (name: string) => gc.run(() => insert.run(name));
  const committedNames = () => (outsider.prepare('SELECT name FROM items ORDER BY name').all() as { name: string }[]).map((r) => r.name);
  const close = () => {
    gc.flush();
    outsider.close();
    writer.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { writer, gc, add, committedNames, close };
}

describe('GroupCommit', () => {
  it('commits the transactions of one event-loop turn together, at the end of the turn', async () => {
    const t = setup();
    await t.add('a');
    await t.add('b');
    expect(t.gc.pending).toBe(true);
    expect(t.committedNames()).toEqual([]);
    await t.gc.settled();
    expect(t.committedNames()).toEqual(['a', 'b']);
    expect(t.gc.pending).toBe(false);
    await t.add('c');
    await t.gc.settled();
    expect(t.committedNames()).toEqual(['a', 'b', 'c']);
    t.close();
  });

  it('rolls back only the work that failed; the rest of the turn commits', async () => {
    const t = setup();
    await t.add('a');
    await expect(
      t.gc.run(() => {
        t.writer.prepare('INSERT INTO items (name) VALUES (?)').run('half-done');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await expect(t.add('a')).rejects.toMatchObject({ message: expect.stringMatching(/UNIQUE/) });
    await t.add('b');
    await t.gc.settled();
    expect(t.committedNames()).toEqual(['a', 'b']);
    expect(t.gc.failures).toBe(0);
    t.close();
  });

  it('when the COMMIT fails, rolls back the whole turn and says so to everyone waiting', async () => {
    const failures: unknown[] = [];
    let breakNextCommit = true;
    const t = setup({
      onFailure: (err) => failures.push(err),
      beforeCommit: () => {
        if (!breakNextCommit) return;
        breakNextCommit = false;
        // a deferred foreign-key violation makes SQLite refuse the COMMIT itself
        t.writer.pragma('defer_foreign_keys = ON');
        t.writer.prepare("INSERT INTO items (name, parent) VALUES ('orphan', 'no-such-parent')").run();
      },
    });
    await t.add('a');
    await t.add('b');
    // (matched by message: SQLite's errors come from another realm than jest's Error under vm modules)
    await expect(t.gc.settled()).rejects.toMatchObject({ message: expect.stringMatching(/FOREIGN KEY/) });
    expect(t.gc.failures).toBe(1);
    expect(failures).toHaveLength(1);
    expect(t.writer.inTransaction).toBe(false);
    expect(t.committedNames()).toEqual([]);
    await t.add('c');
    await t.gc.settled();
    expect(t.committedNames()).toEqual(['c']);
    t.close();
  });

  it('when SQLite rolls back the whole transaction mid-turn, the turn is lost and the next write starts a new one', async () => {
    const t = setup();
    await t.add('a');
    const lost = t.gc.settled();
    await expect(t.gc.run(() => t.writer.prepare('INSERT INTO doomed (x) VALUES (1)').run())).rejects.toMatchObject({
      message: expect.stringMatching(/rolled back/),
    });
    await expect(lost).rejects.toMatchObject({ message: expect.stringMatching(/rolled back/) });
    expect(t.gc.failures).toBe(1);
    await t.add('b');
    await t.gc.settled();
    expect(t.committedNames()).toEqual(['b']);
    t.close();
  });

  it('inside a transaction someone else opened, a work is only a savepoint of it', async () => {
    const t = setup();
    t.writer.exec('BEGIN');
    await t.add('a');
    await expect(t.gc.run(() => t.writer.prepare('INSERT INTO items (name) VALUES (?)').run('a'))).rejects.toMatchObject({
      message: expect.stringMatching(/UNIQUE/),
    });
    expect(t.gc.pending).toBe(false);
    t.writer.exec('COMMIT');
    expect(t.committedNames()).toEqual(['a']);
    t.close();
  });

  it('flush() commits the open turn at once', async () => {
    const t = setup();
    await t.add('a');
    t.gc.flush();
    expect(t.committedNames()).toEqual(['a']);
    expect(t.gc.pending).toBe(false);
    t.close();
  });
});

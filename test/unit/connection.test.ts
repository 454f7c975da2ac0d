import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../db/connection';

describe('the SQLite connection', () => {
  it('acknowledges a commit only once it is on stable storage: WAL with synchronous=FULL', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seatd-conn-'));
    const db = openDatabase(path.join(dir, 'seatd.db'));
    try {
      expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.$client.pragma('synchronous', { simple: true })).toBe(2); // 2 = FULL (1 = NORMAL)
      expect(db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
    } finally {
      db.$client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

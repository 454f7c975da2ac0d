import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../db/connection';
import { loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('has working defaults for a first start', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, databasePath: './data/seatd.db', databaseCacheMb: 64, logLevel: 'info' });
    expect(config.operatorToken).toBeUndefined();
  });

  it('reads the database cache size and refuses a nonsensical one, naming the variable', () => {
    expect(loadConfig({ DATABASE_CACHE_MB: '256' }).databaseCacheMb).toBe(256);
    expect(() => loadConfig({ DATABASE_CACHE_MB: '0' })).toThrow(/DATABASE_CACHE_MB/);
    expect(() => loadConfig({ DATABASE_CACHE_MB: 'lots' })).toThrow(/DATABASE_CACHE_MB/);
  });

  it('sizes the page cache of the connection it opens (and keeps savepoint undo pages in memory)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seatd-config-'));
    const db = openDatabase(path.join(dir, 'c.db'), { cacheMb: 8 });
    expect(db.$client.pragma('cache_size', { simple: true })).toBe(-8192);
    expect(db.$client.pragma('temp_store', { simple: true })).toBe(2);
    expect(openDatabase(path.join(dir, 'd.db')).$client.pragma('cache_size', { simple: true })).toBe(-64 * 1024);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names a short operator token instead of starting with it', () => {
    expect(() => loadConfig({ SEATD_OPERATOR_TOKEN: 'short' })).toThrow(/SEATD_OPERATOR_TOKEN must be at least 16 characters/);
  });
});

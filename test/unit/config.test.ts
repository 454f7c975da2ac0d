import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../db/connection';
import { loadConfig } from '../../src/config';
import { createServiceProviderKeys } from '../support/samlIdp';

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

  it('keeps webhooks off private networks unless told otherwise', () => {
    expect(loadConfig({}).outboundAllowPrivateNetworks).toBe(false);
    expect(loadConfig({ OUTBOUND_ALLOW_PRIVATE_NETWORKS: 'true' }).outboundAllowPrivateNetworks).toBe(true);
    expect(() => loadConfig({ OUTBOUND_ALLOW_PRIVATE_NETWORKS: 'yes' })).toThrow(/OUTBOUND_ALLOW_PRIVATE_NETWORKS/);
  });

  it('takes PUBLIC_URL with its scheme only, and defaults it to the port it serves on', () => {
    expect(loadConfig({}).publicUrl).toBe('http://localhost:3000');
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ PORT: '8080', PUBLIC_URL: 'https://seatd.example.com/' }).publicUrl).toBe('https://seatd.example.com');
    expect(() => loadConfig({ PUBLIC_URL: 'seatd.example.com' })).toThrow(/PUBLIC_URL: must be an http\(s\) URL with its scheme/);
    expect(() => loadConfig({ PUBLIC_URL: 'localhost:3000' })).toThrow(/PUBLIC_URL/);
    expect(() => loadConfig({ PUBLIC_URL: 'ftp://seatd.example.com' })).toThrow(/PUBLIC_URL/);
  });

  it('refuses an SMTP_URL that is not an smtp(s) URL, and treats an empty one as unset', () => {
    expect(loadConfig({ SMTP_URL: 'smtp://user:pw@mail.example.com:587' }).smtpUrl).toBe('smtp://user:pw@mail.example.com:587');
    expect(loadConfig({ SMTP_URL: 'smtps://mail.example.com' }).smtpUrl).toBe('smtps://mail.example.com');
    expect(() => loadConfig({ SMTP_URL: 'notaurl' })).toThrow(/SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/);
    expect(() => loadConfig({ SMTP_URL: 'https://mail.example.com' })).toThrow(/SMTP_URL/);
    expect(loadConfig({ SMTP_URL: '' }).smtpUrl).toBeUndefined();
  });

  it('wants MAIL_FROM to be an address, with or without a name', () => {
    expect(loadConfig({ MAIL_FROM: 'billing@example.com' }).mailFrom).toBe('billing@example.com');
    expect(loadConfig({ MAIL_FROM: 'Acme Seats <seats@example.com>' }).mailFrom).toBe('Acme Seats <seats@example.com>');
    expect(() => loadConfig({ MAIL_FROM: 'seatd' })).toThrow(/MAIL_FROM: must be an email address/);
    expect(() => loadConfig({ MAIL_FROM: 'seatd <nobody>' })).toThrow(/MAIL_FROM/);
  });

  it('names a short operator token instead of starting with it', () => {
    expect(() => loadConfig({ SEATD_OPERATOR_TOKEN: 'short' })).toThrow(/SEATD_OPERATOR_TOKEN must be at least 16 characters/);
  });
});

describe('loadConfig: the SAML service provider key pair', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seatd-config-sp-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function writeKeys(name: string) {
    const keys = await createServiceProviderKeys();
    fs.writeFileSync(path.join(dir, `${name}.key`), keys.key);
    fs.writeFileSync(path.join(dir, `${name}.crt`), keys.cert);
    return { key: path.join(dir, `${name}.key`), cert: path.join(dir, `${name}.crt`), pems: keys };
  }

  it('reads a matching key and certificate, and wants both or neither', async () => {
    const a = await writeKeys('a');
    expect(loadConfig({ SAML_SP_KEY_FILE: a.key, SAML_SP_CERT_FILE: a.cert }).samlSp).toEqual(a.pems);
    expect(loadConfig({}).samlSp).toBeUndefined();
    expect(() => loadConfig({ SAML_SP_KEY_FILE: a.key })).toThrow(/SAML_SP_KEY_FILE and SAML_SP_CERT_FILE go together/);
  });

  it('refuses a certificate that is not the key’s, and a file it cannot read', async () => {
    const [a, b] = [await writeKeys('c'), await writeKeys('d')];
    expect(() => loadConfig({ SAML_SP_KEY_FILE: a.key, SAML_SP_CERT_FILE: b.cert })).toThrow(/is not the certificate of SAML_SP_KEY_FILE/);
    expect(() => loadConfig({ SAML_SP_KEY_FILE: path.join(dir, 'missing.key'), SAML_SP_CERT_FILE: a.cert })).toThrow(
      /SAML_SP_KEY_FILE: cannot read/,
    );
  });
});

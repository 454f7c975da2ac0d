import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

type Run = { code: number | null; lines: Record<string, unknown>[]; stderr: string };

/** `seatd serve` as a process; resolves when it exits, or once a log line passes `until` (then it is stopped). */
function serve(env: Record<string, string>, until?: (line: Record<string, unknown>) => boolean | Promise<boolean>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/seatd.js', 'serve'], { cwd: ROOT, env: { ...process.env, ...env } });
    const lines: Record<string, unknown>[] = [];
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      let newline: number;
      while ((newline = stdout.indexOf('\n')) !== -1) {
        const line = JSON.parse(stdout.slice(0, newline)) as Record<string, unknown>;
        stdout = stdout.slice(newline + 1);
        lines.push(line);
        void Promise.resolve(until?.(line)).then((done) => done && child.kill('SIGTERM'));
      }
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, lines, stderr }));
  });
}

describe('seatd serve', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seatd-serve-'));
    env = { DATABASE_PATH: path.join(dir, 'seatd.db'), OUTBOX_DIR: path.join(dir, 'outbox'), LOG_LEVEL: 'info', HOST: '127.0.0.1' };
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('says where it listens and where the console is, and answers GET / with a page pointing to it', async () => {
    let home: Promise<{ status: number; text: string; requestId: string | null }> | undefined;
    const run = await serve({ ...env, PORT: '0', PUBLIC_URL: 'https://seatd.example.com' }, (line) => {
      if (String(line.msg).startsWith('seatd listening')) {
        home = fetch(`http://127.0.0.1:${line.port}/`, { headers: { 'X-Request-Id': 'serve-test-1' } }).then(async (res) => ({
          status: res.status,
          text: await res.text(),
          requestId: res.headers.get('x-request-id'),
        }));
      }
      // answered and read to the end (stopping at the log line could reset the response being read): stop the server
      return line.msg === 'request' && home!.then(
        () => true,
        () => true,
      );
    });
    const listening = run.lines.find((l) => String(l.msg).startsWith('seatd listening'))!;
    expect(listening).toMatchObject({
      level: 30,
      console: 'https://seatd.example.com/console',
      database: env.DATABASE_PATH,
      newDatabase: true,
    });
    expect(listening.msg).toMatch(/^seatd listening on 127\.0\.0\.1:\d+; console at https:\/\/seatd\.example\.com\/console$/);
    const page = await home!;
    expect(page).toMatchObject({ status: 200, requestId: 'serve-test-1' });
    expect(page.text).toContain('href="/console"');
    expect(run.code).toBe(0); // stopped by SIGTERM, cleanly
  }, 60_000);

  it('exits non-zero with the cause logged when the port is taken', async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const run = await serve({ ...env, PORT: String(port) });
      expect(run.code).toBe(1);
      expect(run.lines.find((l) => l.level === 60)).toMatchObject({
        msg: `cannot listen on 127.0.0.1:${port}`,
        err: { code: 'EADDRINUSE', stack: expect.any(String) },
      });
      expect(run.lines.some((l) => String(l.msg).startsWith('seatd listening'))).toBe(false);
      expect(run.stderr).toContain('EADDRINUSE');
    } finally {
      taken.close();
    }
  }, 60_000);

  it('exits non-zero when HOST is no address of this machine', async () => {
    const run = await serve({ ...env, PORT: '0', HOST: 'seatd-no-such-host.invalid' });
    expect(run.code).toBe(1);
    expect(run.lines.find((l) => l.level === 60)).toMatchObject({
      msg: 'cannot listen on seatd-no-such-host.invalid:0',
      err: expect.any(Object),
    });
  }, 60_000);

  it('stops at once, naming the variable, on a bad setting', async () => {
    const run = await serve({ ...env, PORT: '0', SMTP_URL: 'notaurl' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('SMTP_URL: must be an smtp:// or smtps:// URL');
  }, 60_000);
});

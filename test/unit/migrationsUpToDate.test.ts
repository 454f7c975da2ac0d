import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const DRIZZLE_KIT = path.join(ROOT, 'node_modules', 'drizzle-kit', 'bin.cjs');

/** The committed migrations and snapshot files of a folder (meta/ included), with their contents. */
function filesOf(dir: string): Map<string, string> {
  return new Map(
    (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const file = path.join(entry.parentPath, entry.name);
        return [path.relative(dir, file), fs.readFileSync(file, 'utf8')] as const;
      }),
  );
}

/**
 * drizzle-kit generate, run on a copy of a dialect's migrations (so a failure changes nothing in the
 * repo): a schema file changed without its migration shows up as a new file here.
 */
async function generateOnCopy(dialect: 'sqlite' | 'postgresql', schemaFile: string, migrationsDir: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seatd-drizzle-kit-'));
  try {
    fs.cpSync(path.join(ROOT, migrationsDir), path.join(dir, 'out'), { recursive: true });
    // drizzle-kit reads paths relative to its working folder
    const config = { dialect, schema: path.relative(dir, path.join(ROOT, schemaFile)), out: './out' };
    fs.writeFileSync(path.join(dir, 'drizzle.config.json'), JSON.stringify(config));
    const output = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [DRIZZLE_KIT, 'generate', '--config', 'drizzle.config.json'],
        { cwd: dir, timeout: 60_000 },
        (err, stdout, stderr) =>
          err ? reject(new Error(`drizzle-kit failed: ${err.message}\n${stdout}\n${stderr}`)) : resolve(stdout + stderr),
      ),
    );
    return { output, before: filesOf(path.join(ROOT, migrationsDir)), after: filesOf(path.join(dir, 'out')) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('drizzle-kit generate finds nothing to do', () => {
  it.each([
    ['sqlite', 'db/schema.ts', 'db/migrations'],
    ['postgresql', 'db/schema.pg.ts', 'db/migrations-pg'],
  ] as const)('%s: %s matches %s', async (dialect, schemaFile, migrationsDir) => {
    const { output, before, after } = await generateOnCopy(dialect, schemaFile, migrationsDir);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    expect(after).toEqual(before);
    expect(output).toContain('No schema changes');
  });
});

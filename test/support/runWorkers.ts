import { execFile } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/** Runs dbWorker jobs in parallel child processes and answers each one's outcomes. */
export function runWorkers(jobs: object[]): Promise<string[][]> {
  return Promise.all(
    jobs.map(
      (job) =>
        new Promise<string[]>((resolve, reject) => {
          execFile(
            process.execPath,
            ['-r', 'tsx/cjs', 'test/support/dbWorker.ts', JSON.stringify(job)],
            { cwd: ROOT, timeout: 60_000 },
            (err, stdout, stderr) => {
              if (err) return reject(new Error(`worker failed: ${err.message}\n${stderr}`));
              resolve(JSON.parse(stdout.trim().split('\n').at(-1)!));
            },
          );
        }),
    ),
  );
}

import fs from 'node:fs';
import path from 'node:path';

/** The link in the newest outbox mail to `to`, read from the plain-text copy the outbox keeps. */
export function linkFromOutbox(outboxDir: string, to: string, pattern = /https?:\/\/\S+\/invite\/[A-Za-z0-9_-]+/): string {
  const files = fs
    .readdirSync(outboxDir)
    .filter((f) => f.endsWith(`-${to}.txt`))
    .sort();
  const newest = files.at(-1);
  if (!newest) throw new Error(`no mail to ${to} in ${outboxDir}`);
  const match = pattern.exec(fs.readFileSync(path.join(outboxDir, newest), 'utf8'));
  if (!match) throw new Error(`no link in ${newest}`);
  return match[0];
}

export function tokenOf(link: string): string {
  return link.split('/').at(-1)!;
}

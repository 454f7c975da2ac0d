import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return markdownFiles(rel);
    return e.name.endsWith('.md') ? [rel] : [];
  });
}

/** Relative links in the documentation lead to files of this repository: none outside it, none missing. */
describe('links in the documentation', () => {
  const files = ['README.md', ...markdownFiles('docs'), ...markdownFiles('examples')];

  it.each(files)('%s', (file) => {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z]+:/.test(t) && !t.startsWith('#'));
    const broken = targets.filter((target) => {
      const resolved = path.resolve(ROOT, path.dirname(file), target.split('#')[0]!);
      return !resolved.startsWith(ROOT + path.sep) || !fs.existsSync(resolved);
    });
    expect(broken).toEqual([]);
  });
});

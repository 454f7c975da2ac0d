import fs from 'node:fs';
import path from 'node:path';

const DOMAIN = path.join(__dirname, '..', '..', 'src', 'domain');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The domain folder a file is in (`ledger`, `alerts`, …); files at the top of src/domain belong to none. */
function folderOf(file: string): string | undefined {
  const parts = path.relative(DOMAIN, file).split(path.sep);
  return parts.length > 1 ? parts[0] : undefined;
}

/** Every module a file imports or re-exports, type-only imports included: a cycle of types is still a cycle of concepts. */
function importsOf(file: string): string[] {
  const source = fs.readFileSync(file, 'utf8');
  const specifiers = [...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?\bfrom\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  const bare = [...source.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  return [...specifiers, ...bare].filter((s) => s.startsWith('.')).map((s) => path.resolve(path.dirname(file), s));
}

/** Folder → the other domain folders it imports from. */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(DOMAIN)) {
    const from = folderOf(file);
    if (!from) continue;
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const target of importsOf(file)) {
      if (!target.startsWith(DOMAIN + path.sep)) continue;
      const to = folderOf(target);
      if (to && to !== from) edges.add(to);
    }
  }
  return graph;
}

/** Each cycle found by a depth-first walk, as the folders along it (first repeated at the end). */
function cycles(graph: Map<string, Set<string>>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return found;
}

describe('src/domain import graph', () => {
  it('has no cycle between domain folders: each folder depends only on folders below it', () => {
    expect(cycles(folderGraph()).map((c) => c.join(' → '))).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
    ]);
    expect(cycles(graph).map((c) => c.join(' → '))).toEqual(['a → b → c → a']);
  });
});

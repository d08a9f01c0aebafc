/**
 * The server's modules import one way: no file reaches itself through its imports. A cycle (as
 * hub.ts -> hub-context.ts -> hub.ts once was) makes the load order decide what is defined, and
 * says two files are really one. Type-only imports count too: they tie the files together as much.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Every .ts file under `dir`, mapped to the files under `dir` it imports or re-exports by a relative path. */
function importGraph(dir: string): Map<string, string[]> {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(dir, name));
  const specifier = /(?:\bfrom\s*|\bimport\s*\(?\s*)'(\.{1,2}\/[^']+)'/g;
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    const targets = [...source.matchAll(specifier)].map((m) =>
      resolve(dirname(file), (m[1] as string).replace(/\.js$/, '.ts')),
    );
    graph.set(
      file,
      targets.filter((target) => target.startsWith(dir)),
    );
  }
  return graph;
}

/** Each cycle found by a depth-first walk, as the files along it (the first repeated at the end). */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string): void => {
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      const at = path.indexOf(next);
      if (at >= 0) found.push([...path.slice(at), next]);
      else if (!done.has(next)) visit(next);
    }
    path.pop();
    done.add(file);
  };
  for (const file of graph.keys()) if (!done.has(file)) visit(file);
  return found;
}

describe('imports', () => {
  it.each(['server', 'shared'])('%s/ has no import cycle', (dir) => {
    const root = join(repo, dir);
    const found = cycles(importGraph(root)).map((cycle) => cycle.map((f) => relative(repo, f)).join(' -> '));
    expect(found).toEqual([]);
  });

  it('sees a cycle when there is one (the walker itself works)', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(cycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });
});

/**
 * The SPA's folders are its product areas (README, Layout). What keeps them apart is which way
 * imports point: an area reads only itself and common/; common/ reads no area; only the shell
 * (and the entry) sees every area. A feature that needs another area's piece moves it to common/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const APP = new URL('../../web/app/', import.meta.url).pathname;
const AREAS = ['chat', 'support', 'admin', 'jobs', 'lab'] as const;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** The top folder of web/app a file is in ('main.tsx' for the entry), or null outside web/app. */
function folderOf(file: string): string | null {
  const rel = path.relative(APP, file);
  if (rel.startsWith('..')) return null;
  return rel.split(path.sep)[0] ?? null;
}

/** Every relative import of a file, resolved to a path (static, side-effect and dynamic). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1] as string);
  return specs.map((spec) => path.resolve(path.dirname(file), spec));
}

/** "chat/components/RoomView.tsx imports support/models/support.js" for each import not allowed. */
function violations(allowed: (from: string, to: string) => boolean): string[] {
  const found: string[] = [];
  for (const file of sources(APP)) {
    const from = folderOf(file);
    if (from === null) continue;
    for (const target of importsOf(file)) {
      const to = folderOf(target);
      if (to === null || to === from || allowed(from, to)) continue;
      found.push(`${path.relative(APP, file)} imports ${path.relative(APP, target)}`);
    }
  }
  return found;
}

describe('SPA layout (web/app)', () => {
  it('holds only the entry beside the areas, common/, shell/ and styles/', () => {
    const top = readdirSync(APP).sort();
    expect(top).toEqual([...AREAS, 'common', 'main.tsx', 'shell', 'styles'].sort());
  });

  it('an area imports only itself and common/', () => {
    const areas: readonly string[] = AREAS;
    expect(violations((from, to) => !areas.includes(from) || to === 'common' || to === 'styles')).toEqual([]);
  });

  it('common/ imports no area and not the shell', () => {
    expect(violations((from) => from !== 'common')).toEqual([]);
  });

  it('only the entry imports the shell', () => {
    expect(violations((from, to) => to !== 'shell' || from === 'main.tsx')).toEqual([]);
  });
});

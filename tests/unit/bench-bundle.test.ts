/** The benchmark's bundle report, on a small build laid out like Vite's. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleReport } from '../../bench/lib/bundle.js';

const root = mkdtempSync(join(tmpdir(), 'sb-bundle-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string): number {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
  return Buffer.byteLength(text);
}

describe('bundleReport', () => {
  it('says "not built yet" for every row when there is no build', () => {
    const rows = bundleReport(root);
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row).toMatchObject({ raw: null, gzip: null, note: 'not built yet' });
  });

  it('counts index.html scripts with their static imports, and splits the widget into loader and chat', () => {
    write('dist/web/index.html', '<script type="module" src="/assets/app.js"></script>');
    const app = write('dist/web/assets/app.js', 'import { a } from "./chunk.js";\nconsole.log(a);');
    const chunk = write('dist/web/assets/chunk.js', 'export const a = 1;');
    write('dist/web/assets/lazy.js', 'export const never = "counted";');
    const loader = write('dist/web/widget.js', 'console.log("loader");');
    const chat = write('dist/web/widget-chat.js', 'console.log("chat ".repeat(50));');

    const [spa, load, widgetChat, full] = bundleReport(root);
    expect(spa?.raw).toBe(app + chunk);
    expect(spa?.files.sort()).toEqual(['dist/web/assets/app.js', 'dist/web/assets/chunk.js']);
    expect(spa?.gzip).toBeGreaterThan(0);
    expect(load?.raw).toBe(loader);
    expect(load?.gzip).toBe(gzipSync('console.log("loader");', { level: 9 }).length);
    expect(widgetChat?.raw).toBe(chat);
    expect(full?.raw).toBe(loader + chat);
  });
});

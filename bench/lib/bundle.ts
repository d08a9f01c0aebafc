/**
 * The bundle report: the SPA's initial JavaScript (what index.html loads, and what that imports
 * statically), and the widget's loader and full widget when a widget build exists. Raw and gzip.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface BundleRow {
  name: string;
  files: string[];
  raw: number | null;
  gzip: number | null;
  /** "not built yet", or what else is worth saying. */
  note?: string;
}

const gz = (buf: Buffer) => gzipSync(buf, { level: 9 }).length;

function sizes(name: string, files: string[], note?: string): BundleRow {
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const buf = readFileSync(file);
    raw += buf.length;
    gzip += gz(buf);
  }
  return {
    name,
    files: files.map((f) => f.replace(/^.*?dist\//, 'dist/')),
    raw,
    gzip,
    ...(note ? { note } : {}),
  };
}

/** A module and everything it imports statically (`import ... from "./x.js"`, `import "./x.js"`). */
function withStaticImports(entry: string, into = new Set<string>()): Set<string> {
  if (into.has(entry) || !existsSync(entry)) return into;
  into.add(entry);
  const code = readFileSync(entry, 'utf8');
  const pattern = /(?:^|[;\s}])(?:import|export)\s*(?:[\w$*{},\s]*?from\s*)?["']([^"']+\.m?js)["']/g;
  for (const match of code.matchAll(pattern)) {
    const spec = match[1] as string;
    if (spec.startsWith('.') || spec.startsWith('/')) {
      withStaticImports(
        spec.startsWith('/') ? join(dirname(entry), '..', spec) : resolve(dirname(entry), spec),
        into,
      );
    }
  }
  return into;
}

function initialJs(distWeb: string): BundleRow {
  const indexHtml = join(distWeb, 'index.html');
  if (!existsSync(indexHtml)) {
    return { name: 'SPA initial JavaScript', files: [], raw: null, gzip: null, note: 'not built yet' };
  }
  const html = readFileSync(indexHtml, 'utf8');
  const refs = [
    ...html.matchAll(/<script[^>]*\bsrc="([^"]+\.m?js)"/g),
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
  ].map((m) => m[1] as string);
  const files = new Set<string>();
  for (const ref of refs) withStaticImports(join(distWeb, ref.replace(/^\//, '')), files);
  return sizes('SPA initial JavaScript (index.html and its static imports)', [...files]);
}

const NOT_BUILT = (name: string): BundleRow => ({
  name,
  files: [],
  raw: null,
  gzip: null,
  note: 'not built yet',
});

/**
 * The widget's scripts: `widget*.js` (or `*loader*`) in dist/widget, dist/web/widget, dist/web or
 * dist/web/assets. The loader is `widget.js` (or a `*loader*` file); the rest is the chat it
 * loads on demand; the full widget is both.
 */
function widget(root: string): BundleRow[] {
  const jsIn = (dir: string, recursive: boolean): string[] =>
    existsSync(dir)
      ? readdirSync(dir, { recursive, encoding: 'utf8' })
          .filter((f) => /\.m?js$/.test(f))
          .map((f) => join(dir, f))
      : [];
  let files = [...jsIn(join(root, 'dist/widget'), true), ...jsIn(join(root, 'dist/web/widget'), true)];
  if (files.length === 0) {
    files = [...jsIn(join(root, 'dist/web'), false), ...jsIn(join(root, 'dist/web/assets'), false)].filter(
      (f) => /^widget|loader/i.test(basename(f)),
    );
  }
  const isLoader = (f: string) => /loader/i.test(basename(f)) || /^widget\.m?js$/.test(basename(f));
  const loader = files.filter(isLoader);
  const chat = files.filter((f) => !isLoader(f));
  if (files.length === 0)
    return [NOT_BUILT('Widget loader'), NOT_BUILT('Widget chat'), NOT_BUILT('Full widget')];
  return [
    loader.length
      ? sizes('Widget loader (every page view of a host site)', loader)
      : NOT_BUILT('Widget loader'),
    chat.length ? sizes('Widget chat (loaded when opened)', chat) : NOT_BUILT('Widget chat'),
    sizes('Full widget (loader and chat)', files),
  ];
}

/** Sizes from the build under `root` (the project's directory by default). */
export function bundleReport(root = '.'): BundleRow[] {
  return [initialJs(join(root, 'dist/web')), ...widget(root)];
}

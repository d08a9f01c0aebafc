/**
 * Makes sure what is measured is current: the production build of Switchboard (rebuilt when a
 * source is newer than dist/), and the baseline servers compiled from TypeScript to plain ESM so
 * that they too run as plain `node` without a loader.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

function newestMtime(dirs: string[], pattern: RegExp): { file: string; mtime: number } | null {
  let newest: { file: string; mtime: number } | null = null;
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else if (pattern.test(name) && (!newest || stat.mtimeMs > newest.mtime)) {
        newest = { file: path, mtime: stat.mtimeMs };
      }
    }
  };
  for (const dir of dirs) walk(dir);
  return newest;
}

const mtimeOf = (file: string): number | null => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
};

/** Why dist/ must be rebuilt, in words, or null when it is current. */
export function staleness(): string | null {
  const server = mtimeOf('dist/server/main.js');
  if (server === null) return 'dist/server/main.js is missing';
  const serverSrc = newestMtime(['server', 'shared'], /\.ts$/);
  if (serverSrc && serverSrc.mtime > server) return `${serverSrc.file} is newer than dist/server/main.js`;
  const web = mtimeOf('dist/web/index.html');
  if (web === null) return 'dist/web/index.html is missing';
  const webSrc = newestMtime(['web', 'shared'], /\.(ts|tsx|css|html)$/);
  if (webSrc && webSrc.mtime > web) return `${webSrc.file} is newer than dist/web/index.html`;
  return null;
}

export interface BuildOutcome {
  ran: boolean;
  /** Set when the build reported errors but still produced dist/server/main.js. */
  warning: string | null;
}

/**
 * Runs `npm run build`. tsc still writes JavaScript when it finds type errors (the tree may be
 * mid-edit by others): then the run goes on with a warning that names the first errors.
 */
export function runBuild(log: (line: string) => void): BuildOutcome {
  const before = mtimeOf('dist/server/main.js');
  const result = spawnSync('npm', ['run', 'build'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  if (result.status === 0) return { ran: true, warning: null };
  const errors = output
    .split('\n')
    .filter((l) => /error/i.test(l))
    .slice(0, 3)
    .map((l) => l.trim().slice(0, 240));
  const after = mtimeOf('dist/server/main.js');
  if (after !== null && (before === null || after > before) && mtimeOf('dist/web/index.html') !== null) {
    const warning = `npm run build exited with ${result.status}, but tsc still wrote dist/server: benchmarking that. First errors: ${errors.join(' | ')}`;
    log(`warning: ${warning}`);
    return { ran: true, warning };
  }
  throw new Error(
    `npm run build failed (exit ${result.status}) and produced no new dist/server/main.js:\n  ${errors.join('\n  ')}\nFix the build, or run with --no-build to benchmark the dist/ that exists.`,
  );
}

/** Compiles bench/servers/*.ts to ESM in `outDir` (inside the repo, so `ws` and `socket.io` resolve). */
export function compileBaselines(outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  for (const name of readdirSync('bench/servers')) {
    if (!name.endsWith('.ts')) continue;
    const { outputText, diagnostics } = ts.transpileModule(
      readFileSync(join('bench/servers', name), 'utf8'),
      {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
        reportDiagnostics: true,
        fileName: name,
      },
    );
    if (diagnostics?.length) {
      throw new Error(
        `bench/servers/${name} does not compile: ${ts.flattenDiagnosticMessageText(diagnostics[0]?.messageText ?? '', ' ')}`,
      );
    }
    writeFileSync(join(outDir, name.replace(/\.ts$/, '.js')), outputText);
  }
}

#!/usr/bin/env node
/**
 * Development: the API server (restarted on change) on :3000 and the Vite dev server on :5173,
 * which proxies /api and /ws to it. Open http://localhost:5173. Ctrl-C stops both.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HELP = `Usage: npm run dev [-- --help]

Runs, together, with their output prefixed:
  [server]  node --import tsx --watch server/main.ts   (PORT 3000, restarts when server code changes)
  [web]     vite                                       (http://localhost:5173, hot reload; proxies
                                                        /api and /ws to the server)

Open http://localhost:5173. Ctrl-C stops both; if either exits, the other is stopped too.
Environment variables are passed to the server (DATA_DIR, LOG_LEVEL, ...; see node server/main.ts --help),
except PORT, which is 3000 because the Vite proxy expects it there.
`;

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(HELP);
  process.exit(0);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const viteBin = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');

const colour = process.stdout.isTTY ? (code, text) => `\x1b[${code}m${text}\x1b[0m` : (_code, text) => text;

/** Starts a child with its output prefixed line by line. */
function run(name, code, args, env) {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = colour(code, `[${name}]`);
  for (const [stream, out] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ]) {
    let rest = '';
    stream.on('data', (chunk) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) out.write(`${prefix} ${line}\n`);
    });
    stream.on('end', () => {
      if (rest) out.write(`${prefix} ${rest}\n`);
    });
  }
  return child;
}

const children = [
  run('server', '36', ['--import', 'tsx', '--watch', 'server/main.ts'], { ...process.env, PORT: '3000' }),
  run('web', '35', [viteBin], process.env),
];

let stopping = false;
function stopAll(exitCode) {
  if (stopping) return;
  stopping = true;
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
  // Give them a moment to close cleanly, then make sure.
  const force = setTimeout(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    process.exit(exitCode);
  }, 5000);
  force.unref();
  Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve))),
    ),
  ).then(() => process.exit(exitCode));
}

for (const child of children) {
  child.once('exit', (code, signal) => {
    if (!stopping) {
      const which = child === children[0] ? 'server' : 'web';
      process.stderr.write(`dev: the ${which} process exited (${signal ?? code}); stopping the other\n`);
      stopAll(code ?? 1);
    }
  });
}
process.once('SIGINT', () => stopAll(0));
process.once('SIGTERM', () => stopAll(0));

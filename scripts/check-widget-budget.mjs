#!/usr/bin/env node
// The support widget's size budgets: every customer page pays for widget.js, and every visitor
// who opens the chat for widget-chat.js. Prints both sizes, raw and gzip, and exits 1 when either
// is over its budget (web/widget/budget.json). `npm run build` runs it last.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const HELP = `Usage: node scripts/check-widget-budget.mjs [--dir <built web dir>]

Measures the built support widget: dist/web/widget.js (the loader) and dist/web/widget-chat.js
(the chat), raw and gzip (zlib's default level, what a server compressing on the fly sends).
Exits 1 when either is over its gzip budget in web/widget/budget.json, 2 when a file is missing.

  --dir <path>   where the built files are (default: dist/web)
  --help         this text
`;

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(HELP);
  process.exit(0);
}
const dirAt = args.indexOf('--dir');
const dir = dirAt >= 0 ? args[dirAt + 1] : 'dist/web';
if (!dir) {
  process.stderr.write('--dir needs a path\n');
  process.exit(2);
}

const budgets = JSON.parse(readFileSync(new URL('../web/widget/budget.json', import.meta.url), 'utf8'));
const kB = (bytes) => `${(bytes / 1000).toFixed(2)} kB`;
let over = false;
for (const file of ['widget.js', 'widget-chat.js']) {
  let bytes;
  try {
    bytes = readFileSync(join(dir, file));
  } catch {
    process.stderr.write(`widget budget: ${join(dir, file)} is missing; run npm run build\n`);
    process.exit(2);
  }
  const gzip = gzipSync(bytes).length;
  const budget = budgets[file];
  const ok = gzip <= budget;
  over ||= !ok;
  process.stdout.write(
    `widget budget: ${file.padEnd(15)} ${kB(bytes.length).padStart(9)} raw, ${kB(gzip).padStart(8)} gzip ` +
      `(budget ${kB(budget)}) ${ok ? 'ok' : `OVER by ${gzip - budget} bytes`}\n`,
  );
}
if (over) {
  process.stderr.write('widget budget: over budget; see the sizes above\n');
  process.exit(1);
}

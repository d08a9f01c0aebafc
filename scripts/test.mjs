#!/usr/bin/env node
// The whole test suite in one command: typecheck, lint, unit + contract + integration (Vitest),
// build, and browser tests (Playwright on Debian's Chromium). Ends with one line
// `tests: N passed, N failed, N skipped` covering every suite, and exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const HELP = `Usage: npm test [-- --skip-e2e]

Runs, in order: typecheck (tsc), lint (biome), unit + contract + integration tests (vitest),
the production build, and browser tests (playwright with Debian's chromium).

Chromium: uses $CHROMIUM_PATH or /usr/bin/chromium. When neither exists and this runs as root,
it installs Debian's "chromium" package with apt-get; otherwise it says what to install.

  --skip-e2e   skip the build and the browser tests (counted as skipped)
  --help       this text
`;

const args = new Set(process.argv.slice(2));
if (args.has('--help') || args.has('-h')) {
  process.stdout.write(HELP);
  process.exit(0);
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
const bin = (name) => `node_modules/.bin/${name}`;

function run(label, command, commandArgs, env = {}) {
  process.stdout.write(`\n=== ${label}: ${[command, ...commandArgs].join(' ')}\n`);
  const started = Date.now();
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  return { ok: result.status === 0, seconds };
}

function check(label, command, commandArgs) {
  const { ok, seconds } = run(label, command, commandArgs);
  totals[ok ? 'passed' : 'failed'] += 1;
  lines.push(`${label}: ${ok ? 'passed' : 'FAILED'} (${seconds} s)`);
  return ok;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function ensureChromium() {
  const wanted = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (existsSync(wanted)) return wanted;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    process.stdout.write(
      `\nNo Chromium at ${wanted}. Install Debian's package (sudo apt-get install -y chromium) ` +
        'or set CHROMIUM_PATH to a Chromium binary, then run npm test again.\n',
    );
    return null;
  }
  process.stdout.write('\n=== installing Debian chromium with apt-get (not found)\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : null;
}

mkdirSync('test-results', { recursive: true });

check('typecheck', bin('tsc'), ['--noEmit', '-p', '.']);
check('lint', bin('biome'), ['check', '.']);

rmSync('test-results/vitest.json', { force: true });
const vitest = run('unit, contract and integration tests', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  '--outputFile.json=test-results/vitest.json',
]);
const vitestReport = readJson('test-results/vitest.json');
if (vitestReport) {
  const skipped = (vitestReport.numPendingTests ?? 0) + (vitestReport.numTodoTests ?? 0);
  totals.passed += vitestReport.numPassedTests;
  totals.failed += vitestReport.numFailedTests;
  totals.skipped += skipped;
  // A suite that fails to load has no failed tests but still fails the run.
  if (!vitest.ok && vitestReport.numFailedTests === 0) totals.failed += 1;
  lines.push(
    `vitest: ${vitestReport.numPassedTests} passed, ${vitestReport.numFailedTests} failed, ${skipped} skipped (${vitest.seconds} s)`,
  );
} else {
  totals.failed += 1;
  lines.push('vitest: FAILED (no report written)');
}

if (args.has('--skip-e2e')) {
  totals.skipped += 1;
  lines.push('build and browser tests: skipped (--skip-e2e)');
} else if (check('build', 'npm', ['run', 'build'])) {
  const chromium = ensureChromium();
  if (!chromium) {
    totals.failed += 1;
    lines.push('browser tests: FAILED (no Chromium)');
  } else {
    rmSync('test-results/e2e.json', { force: true });
    const e2e = run('browser tests', bin('playwright'), ['test'], { CHROMIUM_PATH: chromium });
    const report = readJson('test-results/e2e.json');
    if (report?.stats) {
      const { expected = 0, unexpected = 0, skipped = 0, flaky = 0 } = report.stats;
      totals.passed += expected;
      totals.failed += unexpected + flaky;
      totals.skipped += skipped;
      if (!e2e.ok && unexpected + flaky === 0) totals.failed += 1;
      lines.push(
        `playwright: ${expected} passed, ${unexpected + flaky} failed, ${skipped} skipped (${e2e.seconds} s)`,
      );
    } else {
      totals.failed += 1;
      lines.push('playwright: FAILED (no report written)');
    }
  }
} else {
  totals.failed += 1;
  lines.push('browser tests: not run (the build failed)');
}

process.stdout.write(`\n${lines.join('\n')}\n`);
process.stdout.write(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(totals.failed > 0 ? 1 : 0);

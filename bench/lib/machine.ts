/** What the results were measured on: machine, kernel, Node, package versions, git commit. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  ramGiB: number;
  kernel: string;
  node: string;
  packages: Record<string, string>;
  commit: string;
}

const PACKAGES = [
  'ws',
  'socket.io',
  'socket.io-client',
  'hono',
  '@hono/node-server',
  'better-sqlite3',
  'valibot',
  'prom-client',
];

function versionOf(name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { version?: string };
    return pkg.version ?? '?';
  } catch {
    return 'not installed';
  }
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'server', 'shared', 'web'], {
      encoding: 'utf8',
    }).trim();
    return dirty ? `${head} (with uncommitted changes in server/, shared/ or web/)` : head;
  } catch {
    return 'unknown';
  }
}

export function machineInfo(): MachineInfo {
  const own = JSON.parse(readFileSync('package.json', 'utf8')) as { version?: string };
  const packages: Record<string, string> = { switchboard: own.version ?? '?' };
  for (const name of PACKAGES) packages[name] = versionOf(name);
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    ramGiB: totalmem() / 2 ** 30,
    kernel: `${type()} ${release()}`,
    node: process.version,
    packages,
    commit: gitCommit(),
  };
}

export const loadAverage = (): [number, number, number] => loadavg() as [number, number, number];

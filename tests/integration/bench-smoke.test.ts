/**
 * The benchmark's own code at tiny sizes (`npm run bench -- --smoke`): every scenario yields
 * numbers for every server, Switchboard delivers every message it acknowledged, and the run
 * leaves no process behind.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SERVERS = ['switchboard', 'socketio', 'ws-naive', 'ws-coalesced'];

let out: string;
let output = '';
let exitCode: number | null = null;
let results: any;
let orchestratorPid = 0;

/** A pid that still runs something of the benchmark's (a pid may have been reused since). */
function stillRunning(pid: number): boolean {
  try {
    return /bench|server\/main/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'switchboard-bench-smoke-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--smoke', '--out', out], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  orchestratorPid = child.pid ?? 0;
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const file = join(out, 'latest-smoke.json');
  results = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
}, 120_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

const repsOf = (kind: string): any[] => results.reps.filter((r: any) => r.kind === kind);

describe('npm run bench -- --smoke', () => {
  it('finishes and writes its results as JSON and Markdown', () => {
    expect(exitCode, output.slice(-3000)).toBe(0);
    expect(results, 'latest-smoke.json').not.toBeNull();
    const markdown = readFileSync(join(out, 'latest-smoke.md'), 'utf8');
    expect(markdown).toContain('## Targets');
    expect(markdown).toContain('Switchboard ÷ ws naive');
    expect(markdown).toContain('Switchboard ÷ Socket.IO');
  });

  it.each(SERVERS)('measures every scenario against %s', (kind) => {
    const [rep] = repsOf(kind);
    expect(rep.errors).toEqual([]);
    const [fan] = rep.fanout;
    expect(fan.fixed.deliveriesPerSec).toBeGreaterThan(0);
    expect(Number.isFinite(fan.fixed.cpuMsPerMillion)).toBe(true);
    expect(fan.fixed.latency.p50Ms).toBeGreaterThan(0);
    expect(fan.fixed.latency.p99Ms).toBeGreaterThan(0);
    expect(fan.ramp.saturation).toBeGreaterThan(0);
    expect(rep.rooms.fixed.ackedPerSec).toBeGreaterThan(0);
    expect(rep.rooms.fixed.deliveryLatency.p99Ms).toBeGreaterThan(0);
    expect(rep.rooms.ramp.saturation).toBeGreaterThan(0);
    expect(rep.idle.connections).toBe(50);
    expect(Number.isFinite(rep.idle.perConnKiB)).toBe(true);
    expect(rep.setup.connsPerSec).toBeGreaterThan(0);
    expect(Number.isFinite(rep.setup.cpuMsPerConn)).toBe(true);
  });

  it('Switchboard delivered every message it acknowledged, to every member', () => {
    const [rep] = repsOf('switchboard');
    for (const integrity of [rep.fanout[0].integrity, rep.rooms.integrity]) {
      expect(integrity.acked).toBeGreaterThan(0);
      expect(integrity.acked).toBe(integrity.sent);
      expect(integrity.ackedNotDelivered).toBe(0);
      expect(integrity.closedByServer).toBe(0);
    }
  });

  it('measures the fan-out over two processes on PostgreSQL and Redis, beside one process, and cleans up', async () => {
    expect(results.fanout2.status, results.fanout2.how).toBe('measured');
    const [rep] = repsOf('switchboard');
    const two = rep.fanout2;
    expect(two.subscribers).toBe(rep.fanout[0].subscribers);
    expect(two.fixed.deliveriesPerSec).toBeGreaterThan(0);
    expect(two.fixed.window.serverCpuMsEach).toHaveLength(2);
    expect(two.integrity.acked).toBeGreaterThan(0);
    expect(two.integrity.acked).toBe(two.integrity.sent);
    expect(two.integrity.ackedNotDelivered).toBe(0);
    const cpu = results.twoProcess.rows.find((row: any) => row.id === 'cpu');
    expect(cpu.ratio).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'latest-smoke.md'), 'utf8')).toContain('## Fan-out over two processes');

    const schema = /schema (bench_[0-9a-f]+)/.exec(results.fanout2.how)?.[1];
    const prefix = /key prefix (bench[0-9a-f]+:)/.exec(results.fanout2.how)?.[1];
    expect(schema && prefix).toBeTruthy();
    const db = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
    await db.connect();
    const left = await db.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema]);
    await db.end();
    expect(left.rowCount).toBe(0);
    const redis = new Redis('redis://127.0.0.1:6379');
    const [, keys] = await redis.scan('0', 'MATCH', `${prefix}*`, 'COUNT', 10_000);
    redis.disconnect();
    expect(keys).toEqual([]);
  });

  it('measures bytes on the wire over WebSocket and long-polling with the Transport lab', () => {
    const byTransport = Object.fromEntries(results.lab.map((row: any) => [row.transport, row]));
    expect(byTransport.websocket.bytesPerMessage).toBeGreaterThan(0);
    expect(byTransport.polling.bytesPerMessage).toBeGreaterThan(byTransport.websocket.bytesPerMessage);
  });

  it('measures retried sends against new ones: every retry answered with its original seq', () => {
    expect(results.retry, results.retryError ?? '').not.toBeNull();
    expect(results.retry.sameSeq).toBe(results.retry.sends);
    expect(results.retry.newCpuUsPerSend).toBeGreaterThanOrEqual(0);
    expect(results.retry.retryCpuUsPerSend).toBeGreaterThanOrEqual(0);
    const markdown = readFileSync(join(out, 'latest-smoke.md'), 'utf8');
    expect(markdown).toContain('## Retried sends (Switchboard)');
  });

  it('reports the bundle and the targets', () => {
    expect(results.bundle).toHaveLength(4);
    // The smoke run measures from source; the sizes are there exactly when a build is.
    if (existsSync('dist/web/index.html')) expect(results.bundle[0].raw).toBeGreaterThan(0);
    else expect(results.bundle[0]).toMatchObject({ raw: null, note: 'not built yet' });
    expect(results.targets).toHaveLength(7);
  });

  it('leaves no process and no temporary build behind', () => {
    expect(results.meta.pids.length).toBeGreaterThanOrEqual(11);
    expect(results.meta.pids.filter(stillRunning)).toEqual([]);
    expect(existsSync(join('bench/results', `.servers-${orchestratorPid}`))).toBe(false);
  });
});

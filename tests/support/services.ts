/**
 * The real services the scale-out tests run on: PostgreSQL (a fresh schema per use, dropped at the
 * end) and Redis (the shared one with a fresh key prefix, or a private redis-server that a test may
 * kill and restart).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';
import { until } from './clients.js';

export const pgUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const freshSchema = (): string => `t_${randomBytes(6).toString('hex')}`;
export const freshPrefix = (): string => `t${randomBytes(4).toString('hex')}:`;

/**
 * The environment of processes that share one fresh PostgreSQL schema (added to `schemas`, for
 * dropSchemas at the end) and one fresh Redis key prefix on the shared Redis, plus `extra`.
 */
export function clusterEnv(schemas: Set<string>, extra: Record<string, string> = {}): Record<string, string> {
  const schema = freshSchema();
  schemas.add(schema);
  return {
    DATABASE_URL: pgUrl,
    DATABASE_SCHEMA: schema,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: freshPrefix(),
    ...extra,
  };
}

export async function dropSchemas(schemas: Iterable<string>): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    for (const schema of schemas)
      await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** A private redis-server (nothing on disk) on `port`; resolves once it answers PING. */
export async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
    { stdio: 'ignore' },
  );
  const probe = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  let answered = false;
  const ping = async () => {
    try {
      if (probe.status !== 'ready') await probe.connect();
      answered = (await probe.ping()) === 'PONG';
    } catch {
      probe.disconnect();
    }
  };
  try {
    for (const started = Date.now(); !answered && Date.now() - started < 5000; ) {
      await ping();
      if (!answered) await new Promise((r) => setTimeout(r, 50));
    }
    if (!answered) throw new Error(`redis-server did not answer on port ${port}`);
  } finally {
    probe.disconnect();
  }
  return child;
}

export async function stopProcess(
  child: ChildProcess | null,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  await once(child, 'exit');
}

export { until };

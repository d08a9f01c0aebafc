import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { Hono } from 'hono';
import type { DependencyHealth, HealthBody, HealthStatus } from '../../shared/api.js';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import type { Broker } from '../broker/broker.js';
import { errorText } from '../log.js';
import type { Storage } from '../storage/storage.js';
import type { AppEnv } from './env.js';

export const VERSION = '0.1.0';

/** The longest the storage check may take before storage counts as down. */
const STORAGE_CHECK_MS = 1_000;

const rank: Record<HealthStatus, number> = { ok: 0, degraded: 1, down: 2 };

function bounded<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    work.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

/**
 * A real read (PostgreSQL: a query; SQLite: a read), and for SQLite the file itself: an open
 * SQLite handle keeps reading a deleted file, whose writes would be lost at the next start.
 */
async function checkStorage(storage: Storage): Promise<DependencyHealth> {
  const started = performance.now();
  try {
    const [, facts] = await bounded(
      Promise.all([storage.head('health:probe'), storage.describe()]),
      STORAGE_CHECK_MS,
      'storage',
    );
    const file = facts.file;
    if (file && file !== ':memory:') {
      await access(file, constants.R_OK | constants.W_OK).catch((err: unknown) => {
        throw new Error(`the SQLite file ${file} is gone or not readable and writable (${errorText(err)})`);
      });
    }
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    return { name: storage.name, status: 'ok', ok: true, latencyMs };
  } catch (err) {
    return { name: storage.name, status: 'down', ok: false, latencyMs: null, detail: errorText(err) };
  }
}

async function checkBroker(broker: Broker): Promise<DependencyHealth> {
  if (!broker.check) return { name: broker.name, status: 'ok', ok: true, latencyMs: 0, detail: 'in process' };
  const { status, latencyMs, detail } = await broker.check();
  return { name: broker.name, status, ok: status === 'ok', latencyMs, detail };
}

export function healthRoutes(deps: { storage: Storage; broker: Broker }): Hono<AppEnv> {
  return new Hono<AppEnv>().get('/', async (c) => {
    // Both checked now, side by side, each within its own bound: never a cached flag.
    const [storage, broker] = await Promise.all([checkStorage(deps.storage), checkBroker(deps.broker)]);
    const status = rank[storage.status] >= rank[broker.status] ? storage.status : broker.status;
    const body: HealthBody = {
      status,
      ok: status !== 'down',
      version: VERSION,
      protocol: PROTOCOL_VERSION,
      storage,
      broker,
    };
    // 503 only when storage cannot store: without the broker a process still commits and acks.
    return c.json(body, status === 'down' ? 503 : 200);
  });
}

/**
 * The shared services of the two-process fan-out (fanout2): PostgreSQL and Redis, with a schema
 * and a key prefix of this run's own so that runs never collide, checked before use and removed
 * at the end (the schema dropped, the prefix's keys deleted).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { errorText } from './log.js';

export const CLUSTER_DATABASE_URL =
  process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
export const CLUSTER_REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';

const PROBE_TIMEOUT_MS = 3000;

export interface ClusterServices {
  /** What both Switchboard processes get on top of the usual environment. */
  env: Record<string, string>;
  /** Where, in words (no password). */
  where: string;
  /** Drops the schema and deletes the prefix's keys; resolves with what failed, or null. */
  cleanup(): Promise<string | null>;
}

/** The reason the services cannot be used, thrown before anything was created. */
export class ServicesUnavailable extends Error {}

/** `postgres://host:port/db` without user or password. */
function shown(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'an unreadable URL';
  }
}

function redisClient(url: string): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: PROBE_TIMEOUT_MS,
    retryStrategy: () => null,
  });
  // Errors reach the caller through the commands; this only keeps ioredis from printing them.
  redis.on('error', () => {});
  return redis;
}

async function withPostgres<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  client.on('error', () => {});
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => {});
  }
}

async function withRedis<T>(url: string, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = redisClient(url);
  await redis.connect();
  try {
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

/**
 * Checks that PostgreSQL and Redis answer and picks this run's schema and prefix (the schema is
 * created by the first Switchboard process, as in production). Throws `ServicesUnavailable`
 * saying what to start or set.
 */
export async function openClusterServices(): Promise<ClusterServices> {
  const database = CLUSTER_DATABASE_URL;
  const redisUrl = CLUSTER_REDIS_URL;
  try {
    await withPostgres(database, (c) => c.query('SELECT 1'));
  } catch (err) {
    throw new ServicesUnavailable(
      `PostgreSQL at ${shown(database)} did not answer (${errorText(err) || 'no reason given'}): start it, or point BENCH_DATABASE_URL at one (postgres://user@host:5432/db)`,
    );
  }
  try {
    await withRedis(redisUrl, (r) => r.ping());
  } catch (err) {
    throw new ServicesUnavailable(
      `Redis at ${shown(redisUrl)} did not answer (${errorText(err) || 'no reason given'}): start redis-server, or point BENCH_REDIS_URL at one (redis://host:6379)`,
    );
  }
  const id = randomBytes(6).toString('hex');
  const schema = `bench_${id}`;
  const prefix = `bench${id}:`;
  return {
    env: {
      DATABASE_URL: database,
      DATABASE_SCHEMA: schema,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
    },
    where: `PostgreSQL ${shown(database)} (schema ${schema}, dropped at the end) and Redis ${shown(redisUrl)} (key prefix ${prefix}, its keys deleted at the end)`,
    async cleanup() {
      const problems: string[] = [];
      try {
        await withPostgres(database, (c) =>
          c.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`),
        );
      } catch (err) {
        problems.push(`DROP SCHEMA ${schema} failed (${errorText(err)}): drop it by hand`);
      }
      try {
        await withRedis(redisUrl, async (redis) => {
          let cursor = '0';
          do {
            const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
            if (keys.length) await redis.unlink(...keys);
            cursor = next;
          } while (cursor !== '0');
        });
      } catch (err) {
        problems.push(
          `deleting the Redis keys ${prefix}* failed (${errorText(err)}): delete them with redis-cli --scan --pattern '${prefix}*' | xargs redis-cli unlink`,
        );
      }
      return problems.length ? problems.join('; ') : null;
    },
  };
}

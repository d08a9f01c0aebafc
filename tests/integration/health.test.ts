/**
 * /api/health checks each dependency live, with a timeout: 200 while the process can serve its
 * own connections, 503 once it cannot store (the SQLite file gone, PostgreSQL unreachable).
 * PostgreSQL is cut with a TCP proxy in front of it; the machine's PostgreSQL is never stopped.
 */
import { unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HealthBody } from '../../shared/api.js';
import { api } from '../support/api.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { dropSchemas, freshSchema, pgUrl } from '../support/services.js';

const running: ServerProcess[] = [];
const schemas = new Set<string>();
const proxies: Server[] = [];

afterAll(async () => {
  for (const s of running) await s.stop('SIGKILL');
  for (const p of proxies) p.close();
  await dropSchemas(schemas);
});

const health = async (server: ServerProcess) => {
  const res = await api(server.url, null, 'GET', '/api/health');
  return { status: res.status, body: res.json as HealthBody };
};

/** A TCP proxy to PostgreSQL that can drop every connection and refuse new ones, then heal. */
async function pgProxy() {
  const target = new URL(pgUrl);
  const sockets = new Set<Socket>();
  let cut = false;
  const server = createServer((client) => {
    if (cut) return client.destroy();
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  proxies.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const url = new URL(pgUrl);
  url.port = String(port);
  return {
    url: url.toString(),
    cut() {
      cut = true;
      for (const s of sockets) s.destroy();
    },
    heal() {
      cut = false;
    },
  };
}

describe('/api/health', () => {
  it('SQLite: ok with live latencies, then 503 storage down once the database file is deleted', async () => {
    const server = await startServerProcess();
    running.push(server);
    const ok = await health(server);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      status: 'ok',
      ok: true,
      storage: { name: 'sqlite', status: 'ok', ok: true },
      broker: { name: 'memory', status: 'ok', ok: true },
    });
    expect(ok.body.storage.latencyMs).toBeGreaterThanOrEqual(0);

    unlinkSync(join(server.dataDir, 'switchboard.db'));
    const gone = await health(server);
    expect(gone.status).toBe(503);
    expect(gone.body).toMatchObject({
      status: 'down',
      ok: false,
      storage: { status: 'down', latencyMs: null },
    });
    expect(gone.body.storage.detail).toMatch(/switchboard\.db is gone or not readable/);
  });

  it('PostgreSQL: 503 storage down within the check timeout while it is unreachable, 200 again once it is back', async () => {
    const proxy = await pgProxy();
    const schema = freshSchema();
    schemas.add(schema);
    const server = await startServerProcess({ env: { DATABASE_URL: proxy.url, DATABASE_SCHEMA: schema } });
    running.push(server);
    expect((await health(server)).body).toMatchObject({
      status: 'ok',
      storage: { name: 'postgres', status: 'ok' },
    });

    proxy.cut();
    const started = Date.now();
    const down = await health(server);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 'down', storage: { status: 'down', ok: false } });

    proxy.heal();
    const deadline = Date.now() + 10_000;
    let back = await health(server);
    while (back.status !== 200 && Date.now() < deadline) back = await health(server);
    expect(back.body).toMatchObject({ status: 'ok', storage: { status: 'ok' } });
  });
});

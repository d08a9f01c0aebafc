/**
 * Wires storage, broker, hub, transports and routes into a listening server. `main.ts` calls it
 * with the environment's config; tests call it in-process with their own.
 */
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { createSessions } from './auth/sessions.js';
import { createMemoryBroker } from './broker/memory.js';
import { createRedisBroker } from './broker/redis.js';
import type { Config } from './config.js';
import { createOriginPolicy } from './http/origin.js';
import { createHub, type Hub } from './hub/hub.js';
import { userIdentity } from './hub/identity.js';
import type { Logger } from './log.js';
import { createMetrics, type Metrics, type WireTransport } from './metrics/metrics.js';
import { createJobs, type Jobs } from './push/jobs.js';
import { seed } from './seed.js';
import { openPostgresStorage } from './storage/postgres.js';
import { openSqliteStorage } from './storage/sqlite.js';
import type { Storage } from './storage/storage.js';
import { createSupport, type Support } from './support/service.js';
import { createSiteDirectory } from './support/sites.js';
import { createWebSocketTransport } from './transport/websocket.js';

export interface RunningServer {
  port: number;
  url: string;
  hub: Hub;
  storage: Storage;
  /**
   * Graceful stop (drain): refuse new connections and requests, commit and acknowledge what was
   * received, close sockets with 1001 and answer held polls with that close, then close storage.
   */
  stop(): Promise<void>;
}

export async function startServer(config: Config, log: Logger): Promise<RunningServer> {
  const storage = config.databaseUrl
    ? await openPostgresStorage({
        url: config.databaseUrl,
        schema: config.databaseSchema ?? undefined,
        log,
        timeoutMs: config.databaseTimeoutMs,
      })
    : openSqliteStorage({
        file: join(config.dataDir, 'switchboard.db'),
        synchronous: config.sqliteSynchronous,
      });
  log.info('storage.open', { engine: storage.name, ...(await storage.describe()) });
  await seed(storage, log);
  const broker = config.redisUrl
    ? createRedisBroker({ url: config.redisUrl, keyPrefix: config.redisPrefix, log })
    : createMemoryBroker();
  log.info('broker.open', { engine: broker.name });
  const sessions = createSessions(storage);
  // The hub asks the jobs and support services for state, and they commit through the hub.
  let jobs: Jobs | null = null;
  let support: Support | null = null;
  const hub = createHub({
    storage,
    broker,
    log,
    config: config.hub,
    authenticate: async ({ token, visitor, site }) => {
      if (visitor) return support ? support.authenticateVisitor(site, visitor) : null;
      const auth = token ? await sessions.resolve(token) : null;
      return auth ? userIdentity(auth) : null;
    },
    latest: async (who, stream) => {
      if (jobs && stream === `user:${who.id}`) return jobs.snapshot(who.id);
      return support ? support.receipts(who, stream) : [];
    },
    extension: {
      onFrame: async (who, frame, reply) => support?.onFrame(who, frame, reply),
      onCommitted: async (entry) => support?.onCommitted(entry),
    },
  });
  jobs = createJobs({ storage, hub });
  support = createSupport({ storage, hub, broker, log });
  const sites = createSiteDirectory(storage);
  const origins = createOriginPolicy({ allowed: config.allowedOrigins, trustProxy: config.trustProxy });
  const metrics = createMetrics();
  let draining = false;
  const ws = createWebSocketTransport({
    hub,
    sessions,
    origins,
    log,
    metrics,
    sites,
    draining: () => draining,
  });
  const app = createApp({
    draining: () => draining,
    storage,
    broker,
    hub,
    metrics,
    sessions,
    origins,
    log,
    webDir: config.webDir,
    demo: { jobs, dir: join(config.dataDir, 'downloads'), log },
    support,
    sites,
    pushRate: config.pushRate,
    routes: [ws.route],
  });

  const server = await new Promise<HttpServer>((resolve, reject) => {
    // NOTE: plain HTTP/1.1 (the default createServer); TLS and HTTP/2 belong to the proxy in front.
    const s = serve(
      { fetch: app.fetch, port: config.port, hostname: config.host, websocket: { server: ws.wss } },
      () => resolve(s as HttpServer),
    );
    s.once('error', reject);
  });
  routeUpgrades(server, ws.upgrade);
  countPollingBytes(server, metrics);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  log.info('server.listen', { url });

  let stopping: Promise<void> | null = null;
  return {
    port,
    url,
    hub,
    storage,
    stop() {
      stopping ??= (async () => {
        const started = Date.now();
        const connections = hub.stats().connections;
        log.info('server.stop', { connections });
        draining = true;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await hub.shutdown('going_away', 'the server is restarting; reconnect shortly', DRAIN_GRACE_MS);
        // Each socket got its close frame after its last ack; give the peers a moment to answer
        // the close handshake (so nothing queued is cut off), then cut whoever has not.
        await socketsClosed(ws.wss.clients, CLOSE_HANDSHAKE_MS);
        for (const client of ws.wss.clients) client.terminate();
        // Keep-alive HTTP connections would otherwise hold the server open for their idle timeout.
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), 2000);
        await closed;
        clearTimeout(force);
        await broker.close();
        await storage.close();
        log.info('server.stopped', { connections, ms: Date.now() - started });
      })();
      return stopping;
    },
  };
}

/** How long the drain waits for what was received to be committed and acknowledged. */
const DRAIN_GRACE_MS = 5000;
/** How long closed sockets get to answer the close handshake before they are cut. */
const CLOSE_HANDSHAKE_MS = 1000;

/** Resolves once every socket in `clients` has closed, or after `ms`. */
function socketsClosed(clients: Set<{ once(event: 'close', fn: () => void): unknown }>, ms: number) {
  return new Promise<void>((resolve) => {
    let open = clients.size;
    if (open === 0) return resolve();
    const timer = setTimeout(resolve, ms);
    for (const client of clients) {
      client.once('close', () => {
        if (--open === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
  });
}

/**
 * `/ws` upgrades go to the WebSocket transport; every other upgrade (the article API's routes) to
 * @hono/node-server's listener, which stays the only other one, so that it still refuses an
 * upgrade no route took.
 */
function routeUpgrades(
  server: HttpServer,
  ours: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean,
): void {
  const others = server.listeners('upgrade') as ((
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ) => void)[];
  server.removeAllListeners('upgrade');
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (ours(req, socket, head)) return;
    for (const listener of others) listener.call(server, req, socket, head);
  });
}

const POLL_PATHS: Record<string, WireTransport> = {
  '/api/poll': 'polling',
  '/api/poll/send': 'polling',
  '/api/lab/short-poll': 'short_polling',
};

/**
 * Counts each polling request's bytes on the wire (request line, headers and body in; status
 * line, headers and body out) from its socket's counters when the response has gone out.
 */
function countPollingBytes(server: HttpServer, metrics: Metrics): void {
  server.on('request', (req, res) => {
    const transport = POLL_PATHS[(req.url ?? '').split('?')[0] as string];
    if (!transport) return;
    const header = req.headers['x-switchboard-lab'];
    const labRun = typeof header === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(header) ? header : null;
    metrics.request(transport, labRun);
    // Counted on arrival too, so a poll held for 25 s shows its request before its answer.
    metrics.attribute(req.socket, transport, labRun);
    res.once('close', () => metrics.attribute(req.socket, transport, labRun));
  });
}

/**
 * Wires storage, broker, hub, transports and routes into a listening server. `main.ts` calls it
 * with the environment's config; tests call it in-process with their own.
 */
import { randomBytes } from 'node:crypto';
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { createSessions } from './auth/sessions.js';
import type { Broker } from './broker/broker.js';
import { createMemoryBroker } from './broker/memory.js';
import { createRedisBroker } from './broker/redis.js';
import type { Config } from './config.js';
import { clientIp } from './http/client-ip.js';
import { createHostPolicy, type HostPolicy } from './http/hosts.js';
import { createOriginPolicy } from './http/origin.js';
import { defaultHubConfig } from './hub/conn.js';
import { type ConnectionCaps, createConnectionCaps } from './hub/connection-caps.js';
import { createHub, type Hub } from './hub/hub.js';
import { userIdentity } from './hub/identity.js';
import { randomId } from './ids.js';
import { errorText, type Logger } from './log.js';
import { createMetrics, type Metrics, type WireTransport } from './metrics/metrics.js';
import { createJobs, type Jobs } from './push/jobs.js';
import { createRefusals, type Refusals } from './refusals.js';
import { seed } from './seed.js';
import { openPostgresStorage } from './storage/postgres.js';
import { openSqliteStorage } from './storage/sqlite.js';
import type { Storage } from './storage/storage.js';
import { createSupport, type Support } from './support/service.js';
import { createSiteDirectory } from './support/sites.js';
import { createWebSocketTransport, refuse } from './transport/websocket.js';

export interface RunningServer {
  port: number;
  url: string;
  hub: Hub;
  storage: Storage;
  /**
   * While there is no account yet: the one-time code that lets another machine register the
   * first account (the admin). Null when accounts exist.
   */
  setupCode: string | null;
  /**
   * Graceful stop (drain): refuse new connections and requests, commit and acknowledge what was
   * received, close sockets with 1001 and answer held polls with that close, then close storage.
   */
  stop(): Promise<void>;
}

const LOCAL_BIND = new Set(['127.0.0.1', 'localhost', '::1']);

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
        log,
      });
  log.info('storage.open', { engine: storage.name, ...(await storage.describe()) });
  await seed(storage, log);
  const metrics = createMetrics();
  let broker: Broker;
  if (config.redisUrl) {
    const redis = createRedisBroker({
      url: config.redisUrl,
      keyPrefix: config.redisPrefix,
      timeoutMs: config.redisTimeoutMs,
      log,
      faults: metrics.brokerFaults,
    });
    // Waited for here, at start-up (a few seconds at most), so that no request ever waits for it.
    await redis.ready();
    broker = redis;
  } else {
    broker = createMemoryBroker();
  }
  log.info('broker.open', { engine: broker.name });
  const sessions = createSessions(storage);
  const refusals = createRefusals({ log, count: (reason) => metrics.refused(reason) });
  const hubConfig = { ...defaultHubConfig, ...config.hub };
  const caps = createConnectionCaps({
    broker,
    limits: config.caps,
    pollTtlMs: hubConfig.pollHoldMs + hubConfig.pollPresenceGraceMs,
    refusals,
    log,
  });
  // The hub asks the jobs and support services for state, and they commit through the hub.
  let jobs: Jobs | null = null;
  let support: Support | null = null;
  const hub = createHub({
    storage,
    broker,
    log,
    config: config.hub,
    caps,
    refusals,
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
  const hosts = createHostPolicy(config);
  if (!LOCAL_BIND.has(config.host) && !config.publicUrl && config.allowedHosts.length === 0) {
    log.warn('server.hosts_local_only', {
      host: config.host,
      hint: 'other machines can connect, but only localhost names are answered: set PUBLIC_URL (or ALLOWED_HOSTS) to the name browsers use',
    });
  }
  const setupCode = (await storage.listUsers()).length === 0 ? randomBytes(9).toString('base64url') : null;
  if (setupCode) {
    log.warn('server.setup_code', {
      code: setupCode,
      hint: 'no account yet: the first one becomes the admin; from another machine, register with this code',
    });
  }
  let draining = false;
  const ws = createWebSocketTransport({
    hub,
    sessions,
    origins,
    log,
    metrics,
    sites,
    refusals,
    draining: () => draining,
    caps,
    trustProxy: config.trustProxy,
  });
  const app = createApp({
    caps,
    trustProxy: config.trustProxy,
    articleSockets: {
      helloTimeoutMs: hubConfig.helloTimeoutMs,
      idleTimeoutMs: config.idleTimeoutMs,
      onTimeout: (name) => refusals.note(name, { route: 'article' }),
    },
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
    hosts,
    refusals,
    throttles: config.throttles,
    setupCode,
  });

  const server = await new Promise<HttpServer>((resolve, reject) => {
    // NOTE: plain HTTP/1.1 (the default createServer); TLS and HTTP/2 belong to the proxy in front.
    const { headersMs, requestMs, keepAliveMs } = config.timeouts;
    const s = serve(
      {
        fetch: app.fetch,
        port: config.port,
        hostname: config.host,
        websocket: { server: ws.wss },
        // NOTE: requestTimeout bounds receiving the request (headers and body), not answering it:
        // a long-poll held for POLL_HOLD_MS after its body arrived is not cut. Node looks for
        // expired requests every connectionsCheckingInterval, so that is kept well under both.
        serverOptions: {
          headersTimeout: headersMs,
          requestTimeout: requestMs,
          keepAliveTimeout: keepAliveMs,
          connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersMs / 4))),
        },
      },
      () => resolve(s as HttpServer),
    );
    s.once('error', reject);
  });
  routeUpgrades(server, ws.upgrade, { hosts, refusals, caps, trustProxy: config.trustProxy, log });
  answerClientErrors(server, refusals);
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
    setupCode,
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
        caps.close();
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
  deps: { hosts: HostPolicy; refusals: Refusals; caps: ConnectionCaps; trustProxy: boolean; log: Logger },
): void {
  const { hosts, refusals, caps, trustProxy, log } = deps;
  const others = server.listeners('upgrade') as ((
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ) => void)[];
  server.removeAllListeners('upgrade');
  const ignore = () => {};
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = hosts.refusal({ header: (name) => headerOf(req, name) });
    if (refusal) {
      refusals.note('host', { host: req.headers.host?.slice(0, 100), transport: 'websocket' });
      refuse(socket, { status: 421, code: 'bad_host', message: refusal });
      return;
    }
    if (ours(req, socket, head)) return;
    // The article API's sockets count against their address's cap too, until they close.
    const slotId = randomId(12);
    socket.on('error', ignore);
    socket.once('close', () => caps.release(slotId));
    caps.take(slotId, { ip: clientIp(req, trustProxy) }, 'socket').then(
      (verdict) => {
        if (socket.destroyed) return caps.release(slotId);
        if (!verdict.ok) {
          refuse(socket, {
            status: 429,
            code: 'too_many_connections',
            message: verdict.message,
            retryAfterS: caps.retryAfterS,
          });
          return;
        }
        socket.off('error', ignore);
        for (const listener of others) listener.call(server, req, socket, head);
      },
      (err) => {
        log.error('upgrade.cap_failed', { error: errorText(err) });
        refuse(socket, { status: 500, code: 'internal', message: 'the server failed; try again' });
      },
    );
  });
}

const headerOf = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
};

/**
 * What Node does on a malformed or too slow request, in our JSON shape: 408 `request_timeout`
 * when the headers or body did not arrive within HEADERS_TIMEOUT_MS / REQUEST_TIMEOUT_MS (a
 * slowloris client), 431 for headers over Node's limit, 400 otherwise; counted, never a stack.
 */
function answerClientErrors(server: HttpServer, refusals: Refusals): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // A response under way (a keep-alive connection) cannot take a second status line.
    const started = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
    if (err.code === 'ECONNRESET' || started) {
      socket.destroy();
      return;
    }
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      refusals.note('timeout', {});
      refuse(socket, {
        status: 408,
        code: 'request_timeout',
        message: 'the request arrived too slowly; send it again, whole',
      });
      return;
    }
    if (err.code === 'HPE_HEADER_OVERFLOW') {
      refusals.note('headers_too_large', {});
      refuse(socket, {
        status: 431,
        code: 'too_large',
        message: 'the request headers are over the server’s limit',
      });
      return;
    }
    refusals.note('malformed', {});
    refuse(socket, { status: 400, code: 'invalid_request', message: 'the request is not valid HTTP/1.1' });
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

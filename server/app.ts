/**
 * createApp(deps): the whole HTTP surface as one Hono app. Routes live in http/ (one file per
 * resource) and transport/; this file mounts them and holds the cross-cutting middleware.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import { Limits } from '../shared/limits.js';
import type { Sessions } from './auth/sessions.js';
import { SESSION_COOKIE } from './auth/tokens.js';
import type { Broker, RateRule } from './broker/broker.js';
import type { Throttles } from './config.js';
import { adminRoutes } from './http/admin.js';
import { requireApiKey } from './http/api-key.js';
import { articleDemoRoutes } from './http/article-demo.js';
import { authRoutes, meRoutes } from './http/auth.js';
import { dmRoutes } from './http/dms.js';
import { type AppEnv, apiError } from './http/env.js';
import { healthRoutes } from './http/health.js';
import type { HostPolicy } from './http/hosts.js';
import { jobRoutes } from './http/jobs.js';
import { labRoutes } from './http/lab.js';
import { metricsRoutes } from './http/metrics.js';
import { inviteRoutes, moderationRoutes } from './http/moderation.js';
import type { OriginPolicy } from './http/origin.js';
import { pushRoutes } from './http/push.js';
import { roomRoutes } from './http/rooms.js';
import { settingsRoutes } from './http/settings.js';
import { staticRoutes } from './http/static.js';
import { supportRoutes } from './http/support.js';
import { userRoutes } from './http/users.js';
import { widgetRoutes } from './http/widget.js';
import type { ConnectionCaps } from './hub/connection-caps.js';
import type { Hub } from './hub/hub.js';
import { errorText, type Logger } from './log.js';
import type { Metrics } from './metrics/metrics.js';
import type { DownloadDemoOptions } from './push/download-demo.js';
import { createRefusals, type Refusals } from './refusals.js';
import type { AcceptOptions } from './socket-api/accept-websocket.js';
import type { Storage } from './storage/storage.js';
import { isStorageUnavailable } from './storage/unavailable.js';
import type { Support } from './support/service.js';
import type { SiteDirectory } from './support/sites.js';
import { createPollHandlers, longPollRoutes } from './transport/long-poll.js';

export interface AppDeps {
  storage: Storage;
  broker: Broker;
  hub: Hub;
  metrics: Metrics;
  sessions: Sessions;
  origins: OriginPolicy;
  log: Logger;
  webDir: string;
  /** Extra routes mounted at the root before the SPA fallback (the WebSocket route). */
  routes?: Hono<AppEnv>[];
  support: Support;
  sites: SiteDirectory;
  /** The download demo's job runner (its jobs service, file directory and pace). */
  demo: DownloadDemoOptions;
  /** Per-API-key rate on the push and jobs API. */
  pushRate: RateRule;
  /** True once shutdown began: new requests get 503 and their connections are not kept alive. */
  draining?: () => boolean;
  /** The Host names answered (all, when absent: in-process tests). */
  hosts?: HostPolicy;
  /** Counts and logs refusals; made from metrics and log when absent. */
  refusals?: Refusals;
  /** Whether X-Forwarded-For names the client (see http/client-ip.ts). */
  trustProxy?: boolean;
  /** Creation throttles per address (defaults: config.ts). */
  throttles?: Throttles;
  /** While there is no account: the code that lets another machine register the first (admin). */
  setupCode?: string | null;
  /** Connection caps (polls take a slot per tab). */
  caps?: ConnectionCaps;
  /** The article API sockets' hello and idle timeouts, and where their timeouts are counted. */
  articleSockets?: AcceptOptions;
}

/** The defaults of config.ts, for apps built without a config (in-process tests). */
const DEFAULT_THROTTLES: Throttles = {
  signup: { burst: 5, refillMs: 600_000 },
  login: { burst: 30, refillMs: 10_000 },
  visitor: { burst: 20, refillMs: 3000 },
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const refusals = deps.refusals ?? createRefusals(deps);
  const guarded = {
    refusals,
    trustProxy: deps.trustProxy ?? false,
    throttles: deps.throttles ?? DEFAULT_THROTTLES,
  };

  app.use('*', async (c, next) => {
    // NOTE: the health check is answered whatever the Host: probes (a container's, a load
    // balancer's) call it by IP, and it tells a rebinding page nothing worth having.
    const refusal = c.req.path === '/api/health' ? null : deps.hosts?.refusal(c.req);
    if (!refusal) return next();
    refusals.note('host', { host: c.req.header('host')?.slice(0, 100) });
    return apiError(c, 421, 'bad_host', refusal);
  });
  app.use('*', async (c, next) => {
    if (!deps.draining?.()) return next();
    c.header('Connection', 'close');
    c.header('Retry-After', '1');
    return apiError(c, 503, 'unavailable', 'the server is shutting down; try again shortly');
  });
  app.use('/api/*', async (c, next) => {
    c.header('Cache-Control', 'no-store');
    await next();
  });
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: Limits.frameBytes,
      onError: (c) => apiError(c, 413, 'too_large', `the body is over ${Limits.frameBytes} bytes`),
    }),
  );
  app.use('/api/*', async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE);
    const auth = token ? await deps.sessions.resolve(token) : null;
    c.set('auth', auth);
    // The cookie is sent with cross-site requests too; a state change must come from our pages.
    // Browsers name the page's origin on every such request, so one without is not a page of ours.
    const origin = c.req.header('origin');
    if (token && !SAFE_METHODS.has(c.req.method) && !(origin && deps.origins.allows(c.req, origin))) {
      refusals.note('origin', { origin: origin?.slice(0, 100) ?? 'none' });
      return apiError(
        c,
        403,
        'bad_origin',
        origin === undefined
          ? 'a request signed in by cookie must carry an Origin header naming this site'
          : `requests from ${origin.slice(0, 100)} may not use this session`,
      );
    }
    await next();
  });

  app.route('/api/health', healthRoutes(deps));
  app.route('/api/auth', authRoutes({ ...deps, ...guarded }));
  app.route('/api/me/settings', settingsRoutes({ ...deps, ...guarded }));
  app.route('/api/me', meRoutes());
  app.route('/api/rooms', roomRoutes(deps));
  app.route('/api/rooms', moderationRoutes(deps));
  app.route('/api/invites', inviteRoutes(deps));
  app.route('/api/dms', dmRoutes({ ...deps, ...guarded }));
  app.route('/api/users', userRoutes({ ...deps, ...guarded }));
  const apiKey = requireApiKey({ keys: deps.storage, broker: deps.broker, rate: deps.pushRate });
  app.use('/api/push', apiKey);
  app.route('/api/push', pushRoutes(deps));
  app.route('/api', jobRoutes({ storage: deps.storage, demo: deps.demo, apiKey }));
  app.route('/api/admin', adminRoutes({ ...deps, publicOrigin: (c) => deps.origins.selfOrigin(c.req) }));
  app.route('/api/support', supportRoutes(deps));
  app.route('/api/widget', widgetRoutes({ ...deps, ...guarded }));
  const polls = createPollHandlers(deps);
  app.route('/api/poll', longPollRoutes(polls, deps.sites));
  app.route('/api/lab', labRoutes({ ...deps, shortPoll: polls.short }));
  app.route('/metrics', metricsRoutes(deps.metrics));
  app.all('/api/*', (c) => apiError(c, 404, 'not_found', `no API route ${c.req.method} ${c.req.path}`));
  for (const routes of deps.routes ?? []) app.route('/', routes);
  app.route('/', articleDemoRoutes(deps.articleSockets));
  app.route('/', staticRoutes(deps.webDir));

  app.onError((err, c) => {
    if (isStorageUnavailable(err)) {
      // An outage, not a bug: logged once by the storage, answered as retryable.
      c.header('Retry-After', String(Math.ceil(err.retryAfterMs / 1000)));
      return apiError(c, 503, 'unavailable', 'the server cannot reach its storage; try again shortly');
    }
    deps.log.error('http.error', { method: c.req.method, path: c.req.path, error: errorText(err) });
    return apiError(c, 500, 'internal', 'the server failed on this request; try again');
  });
  return app;
}

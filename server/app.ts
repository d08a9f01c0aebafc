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
import { adminRoutes } from './http/admin.js';
import { requireApiKey } from './http/api-key.js';
import { articleDemoRoutes } from './http/article-demo.js';
import { authRoutes, meRoutes } from './http/auth.js';
import { type AppEnv, apiError } from './http/env.js';
import { healthRoutes } from './http/health.js';
import { jobRoutes } from './http/jobs.js';
import { labRoutes } from './http/lab.js';
import { metricsRoutes } from './http/metrics.js';
import type { OriginPolicy } from './http/origin.js';
import { pushRoutes } from './http/push.js';
import { roomRoutes } from './http/rooms.js';
import { staticRoutes } from './http/static.js';
import { supportRoutes } from './http/support.js';
import { widgetRoutes } from './http/widget.js';
import type { Hub } from './hub/hub.js';
import { errorText, type Logger } from './log.js';
import type { Metrics } from './metrics/metrics.js';
import type { DownloadDemoOptions } from './push/download-demo.js';
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
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

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
    const origin = c.req.header('origin');
    if (
      token &&
      !SAFE_METHODS.has(c.req.method) &&
      origin !== undefined &&
      !deps.origins.allows(c.req, origin)
    ) {
      return apiError(c, 403, 'bad_origin', `requests from ${origin} may not use this session`);
    }
    await next();
  });

  app.route('/api/health', healthRoutes(deps));
  app.route('/api/auth', authRoutes(deps));
  app.route('/api/me', meRoutes());
  app.route('/api/rooms', roomRoutes(deps));
  const apiKey = requireApiKey({ keys: deps.storage, broker: deps.broker, rate: deps.pushRate });
  app.use('/api/push', apiKey);
  app.route('/api/push', pushRoutes(deps));
  app.route('/api', jobRoutes({ storage: deps.storage, demo: deps.demo, apiKey }));
  app.route('/api/admin', adminRoutes({ ...deps, publicOrigin: (c) => deps.origins.selfOrigin(c.req) }));
  app.route('/api/support', supportRoutes(deps));
  app.route('/api/widget', widgetRoutes(deps));
  const polls = createPollHandlers(deps);
  app.route('/api/poll', longPollRoutes(polls, deps.sites));
  app.route('/api/lab', labRoutes({ ...deps, shortPoll: polls.short }));
  app.route('/metrics', metricsRoutes(deps.metrics));
  app.all('/api/*', (c) => apiError(c, 404, 'not_found', `no API route ${c.req.method} ${c.req.path}`));
  for (const routes of deps.routes ?? []) app.route('/', routes);
  app.route('/', articleDemoRoutes());
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

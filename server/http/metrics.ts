/** GET /metrics: Prometheus text format. Labels are bounded; nothing here names a user. */
import { Hono } from 'hono';
import type { Metrics } from '../metrics/metrics.js';
import type { AppEnv } from './env.js';

export function metricsRoutes(metrics: Metrics): Hono<AppEnv> {
  return new Hono<AppEnv>().get('/', async (c) => {
    metrics.flush();
    c.header('Content-Type', metrics.registry.contentType);
    return c.body(await metrics.registry.metrics());
  });
}

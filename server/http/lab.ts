/**
 * The Transport lab's server side: a run's traffic totals, and the strawman it compares against
 * (naive short polling, which exists only here).
 */

import type { Handler } from 'hono';
import { Hono } from 'hono';
import { LAB_RUN_ID } from '../metrics/lab-runs.js';
import type { Metrics } from '../metrics/metrics.js';
import { type AppEnv, apiError } from './env.js';

export function labRoutes(deps: { metrics: Metrics; shortPoll: Handler<AppEnv> }): Hono<AppEnv> {
  return new Hono<AppEnv>().post('/short-poll', deps.shortPoll).get('/runs/:id', (c) => {
    if (!c.get('auth')) return apiError(c, 401, 'unauthorized', 'sign in to read lab results');
    const id = c.req.param('id');
    if (!LAB_RUN_ID.test(id))
      return apiError(c, 400, 'invalid_request', 'a lab run id is 8-64 of A-Z a-z 0-9 _ -');
    deps.metrics.flush();
    const report = deps.metrics.lab.report(id);
    return c.json(
      report ?? { bytesIn: 0, bytesOut: 0, requests: 0, delivered: 0, latencyP50: null, latencyP95: null },
    );
  });
}

/**
 * Throttles on anonymous and expensive creation (accounts, password attempts, widget visitors and
 * conversations), as token buckets in the broker: shared by every process on Redis. Each counts
 * against the client's address (`clientIp`, which honours TRUST_PROXY) and, where a flood could
 * come from many addresses at one target, against the target too.
 */
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import type { Broker, RateRule } from '../broker/broker.js';
import type { Refusals } from '../refusals.js';
import { clientIp } from './client-ip.js';
import { apiError } from './env.js';

export interface Bucket {
  key: string;
  rule: RateRule;
  /** Names the limit in the refusal: "sign-ups from one address". */
  what: string;
  /** The metric label and log reason: a fixed word. */
  reason: string;
}

export interface ThrottleDeps {
  broker: Broker;
  refusals: Refusals;
  trustProxy: boolean;
}

/** The client's address; "unknown" in-process (`app.request()` has no socket). */
export const ipOf = (c: Context, trustProxy: boolean): string => {
  const incoming = (c.env as HttpBindings | undefined)?.incoming;
  return incoming ? clientIp(incoming, trustProxy) : 'unknown';
};

/** "5 at once, then one per 600 s" */
const ruleText = (rule: RateRule): string =>
  `${rule.burst} at once, then one per ${rule.refillMs >= 1000 ? `${Math.round(rule.refillMs / 1000)} s` : `${rule.refillMs} ms`}`;

/**
 * Takes a token from each bucket in turn; the first that is empty answers 429 `rate_limited`
 * with Retry-After and the limit named. Null when every bucket had a token.
 */
export async function throttle(c: Context, deps: ThrottleDeps, buckets: Bucket[]): Promise<Response | null> {
  for (const bucket of buckets) {
    const rate = await deps.broker.consume(bucket.key, bucket.rule);
    if (rate.ok) continue;
    const seconds = Math.max(1, Math.ceil(rate.retryAfterMs / 1000));
    deps.refusals.note(bucket.reason, { path: c.req.path });
    c.header('Retry-After', String(seconds));
    return apiError(
      c,
      429,
      'rate_limited',
      `too many ${bucket.what} (${ruleText(bucket.rule)}); try again in ${seconds} s`,
    );
  }
  return null;
}

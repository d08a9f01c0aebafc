/**
 * What each transport costs, counted from real traffic: bytes on the wire in each direction (for
 * HTTP: request and response headers and bodies; for WebSocket: every frame plus the upgrade
 * handshake), requests, messages delivered, and delivery latency (commit to write). Exposed in the
 * Prometheus format at GET /metrics; labels are bounded (transport and direction only, never a
 * user), and per-run totals for the Transport lab live in `lab`.
 */
import type { Socket } from 'node:net';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { BrokerFaultSink } from '../broker/redis-link.js';
import { LabRuns } from './lab-runs.js';

export type WireTransport = 'websocket' | 'polling' | 'short_polling';

export interface Metrics {
  readonly registry: Registry;
  readonly lab: LabRuns;
  /** Attributes the socket's traffic since the last call to `transport` (and a lab run). */
  attribute(socket: Socket, transport: WireTransport, labRun?: string | null): void;
  /** Keeps counting a long-lived socket (WebSocket) until `untrack`. */
  track(socket: Socket, transport: WireTransport, labRun?: string | null): void;
  untrack(socket: Socket): void;
  /** Brings every tracked socket's counters up to date (before a scrape or a lab report). */
  flush(): void;
  request(transport: WireTransport, labRun?: string | null): void;
  /**
   * One message written to a client. The latency histogram takes one sample per message
   * (`sample`: the first of its recipients), not one per recipient: a broadcast to 1,000
   * sockets is one observation, and the hot path stays a counter increment.
   */
  delivered(transport: WireTransport, latencyMs: number, sample: boolean, labRun?: string | null): void;
  /**
   * One request, connection or action refused to protect the server or for a lost right: a
   * throttle, a cap, a bad Host or Origin, a timeout, a demoted agent's claim. `reason` is a
   * fixed word or code name (never user input: it becomes a label).
   */
  refused(reason: string): void;
  /** A long-poll parked (held with nothing to say yet) or released: the gauge of held polls. */
  pollHeld(change: 1 | -1): void;
  /** Broker outages, the fallbacks taken meanwhile (by kind) and the time spent degraded. */
  readonly brokerFaults: BrokerFaultSink;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'switchboard_' });
  const lab = new LabRuns();
  const seen = new WeakMap<Socket, { read: number; written: number }>();
  const tracked = new Map<Socket, { transport: WireTransport; labRun: string | null }>();

  const bytes = new Counter({
    name: 'switchboard_wire_bytes_total',
    help: 'Bytes on the wire per transport and direction (HTTP headers and bodies; WebSocket frames and handshake).',
    labelNames: ['transport', 'direction'] as const,
    registers: [registry],
  });
  const requests = new Counter({
    name: 'switchboard_requests_total',
    help: 'HTTP requests made by polling transports, and WebSocket upgrades.',
    labelNames: ['transport'] as const,
    registers: [registry],
  });
  const deliveredCount = new Counter({
    name: 'switchboard_messages_delivered_total',
    help: 'Chat messages written to a client, per transport.',
    labelNames: ['transport'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'switchboard_delivery_latency_seconds',
    help: 'From commit to write on the client connection, per transport.',
    labelNames: ['transport'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const open = new Gauge({
    name: 'switchboard_open_sockets',
    help: 'WebSocket connections open now.',
    labelNames: ['transport'] as const,
    registers: [registry],
  });

  const heldPolls = new Gauge({
    name: 'switchboard_held_polls',
    help: 'Long-polls held now, waiting for news (each is one idle long-polling tab).',
    registers: [registry],
  });

  const refusals = new Counter({
    name: 'switchboard_refusals_total',
    help: 'Requests, connections and actions refused by a limit or a lost right, per reason (throttle, cap, host, origin, timeout, or the error or close code).',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const brokerOutages = new Counter({
    name: 'switchboard_broker_outages_total',
    help: 'Times the broker lost Redis (down or not answering in time) and went on with local fallbacks.',
    registers: [registry],
  });
  const brokerFallbacks = new Counter({
    name: 'switchboard_broker_fallbacks_total',
    help: 'Calls answered locally because Redis was away, by kind (presence, rate_limit, publish, slots).',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const brokerDegraded = new Counter({
    name: 'switchboard_broker_degraded_seconds_total',
    help: 'Seconds the broker spent degraded (Redis away), counted while it lasts.',
    registers: [registry],
  });

  const attribute = (socket: Socket, transport: WireTransport, labRun?: string | null) => {
    const last = seen.get(socket) ?? { read: 0, written: 0 };
    const read = socket.bytesRead;
    const written = socket.bytesWritten;
    const bytesIn = Math.max(0, read - last.read);
    const bytesOut = Math.max(0, written - last.written);
    seen.set(socket, { read, written });
    if (bytesIn) bytes.inc({ transport, direction: 'in' }, bytesIn);
    if (bytesOut) bytes.inc({ transport, direction: 'out' }, bytesOut);
    if (labRun) lab.wire(labRun, bytesIn, bytesOut);
  };

  /** Deliveries counted in plain numbers on the hot path, moved to the counter on flush. */
  const uncounted: Record<WireTransport, number> = { websocket: 0, polling: 0, short_polling: 0 };

  const flush = () => {
    for (const [socket, { transport, labRun }] of tracked) attribute(socket, transport, labRun);
    for (const transport of Object.keys(uncounted) as WireTransport[]) {
      if (uncounted[transport] > 0) deliveredCount.inc({ transport }, uncounted[transport]);
      uncounted[transport] = 0;
    }
  };
  const timer = setInterval(flush, 5000);
  timer.unref();

  return {
    registry,
    lab,
    attribute,
    track(socket, transport, labRun = null) {
      tracked.set(socket, { transport, labRun });
      open.inc({ transport });
    },
    untrack(socket) {
      const entry = tracked.get(socket);
      if (!entry) return;
      attribute(socket, entry.transport, entry.labRun);
      tracked.delete(socket);
      open.dec({ transport: entry.transport });
    },
    flush,
    request(transport, labRun) {
      requests.inc({ transport });
      if (labRun) lab.request(labRun);
    },
    brokerFaults: {
      outage: () => brokerOutages.inc(),
      fallback: (kind) => brokerFallbacks.inc({ kind }),
      degradedSeconds: (seconds) => {
        if (seconds > 0) brokerDegraded.inc(seconds);
      },
    },
    delivered(transport, latencyMs, sample, labRun) {
      uncounted[transport]++;
      if (sample) latency.observe({ transport }, Math.max(0, latencyMs) / 1000);
      if (labRun) lab.delivered(labRun, latencyMs);
    },
    refused(reason) {
      refusals.inc({ reason });
    },
    pollHeld(change) {
      heldPolls.inc(change);
    },
  };
}

/**
 * The Transport lab, shortened: the same script the SPA runs, against a real server, with
 * numbers from the server's counters. Asserts the orderings that must hold, not absolute values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { WebSocketConstructor } from '../../web/client/transport.js';
import { type LabResult, runLab } from '../../web/lab/run-lab.js';
import { api, register, type TestUser } from '../support/api.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

let server: ServerProcess;
let user: TestUser;

beforeAll(async () => {
  server = await startServerProcess({ env: { RATE_BURST: '10000' } });
  user = await register(server.url);
});
afterAll(async () => {
  await server?.stop();
});

describe('Transport lab', () => {
  let results: Record<string, LabResult>;

  beforeAll(async () => {
    const list = await runLab({
      baseUrl: server.url,
      wsUrl: server.wsUrl,
      userId: user.id,
      token: user.token,
      headers: { cookie: user.cookie },
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      messages: 20,
      ratePerSec: 20,
      idleMs: 3000,
    });
    results = Object.fromEntries(list.map((r) => [r.transport, r]));
  }, 30_000);

  it('measures every transport from the server’s counters', () => {
    for (const t of ['websocket', 'polling', 'short_polling']) {
      const r = results[t] as LabResult;
      expect(r.messagePhase.delivered, t).toBe(20);
      expect(r.bytesPerMessage, t).toBeGreaterThan(0);
      expect(r.requests, t).toBeGreaterThan(0);
      expect(r.latencyP50, t).not.toBeNull();
    }
  });

  it('long-polling costs more bytes per delivered message than WebSocket', () => {
    expect(results.polling?.bytesPerMessage).toBeGreaterThan(results.websocket?.bytesPerMessage as number);
  });

  it('short polling costs far more while idle than WebSocket', () => {
    const ws = results.websocket?.idleBytesPerMinute as number;
    const short = results.short_polling?.idleBytesPerMinute as number;
    expect(short).toBeGreaterThan(10 * Math.max(ws, 100));
  });

  it('WebSocket makes one request for the whole run; the polling transports many', () => {
    expect(results.websocket?.requests).toBe(1);
    expect(results.polling?.requests).toBeGreaterThan(5);
    // Idle, long-polling waits in one held request; short polling asks every second.
    expect(results.short_polling?.idlePhase.requests).toBeGreaterThan(
      results.polling?.idlePhase.requests as number,
    );
  });

  it('counts real idling for long-polling: at most one poll per POLL_HOLD_MS (25 s) while idle', () => {
    // A poll is answered early only by news; the run's own presence and handshake are not news.
    expect(results.polling?.idlePhase.requests).toBeLessThanOrEqual(1);
  });

  it('exposes the counters at /metrics in the Prometheus format, without per-user labels', async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/switchboard_wire_bytes_total\{transport="websocket",direction="in"\} \d+/);
    expect(text).toMatch(/switchboard_wire_bytes_total\{transport="polling",direction="out"\} \d+/);
    expect(text).toMatch(/switchboard_messages_delivered_total\{transport="short_polling"\} \d+/);
    expect(text).toContain('switchboard_delivery_latency_seconds_bucket');
    expect(text).toContain('switchboard_process_cpu_user_seconds_total');
    expect(text).not.toContain(user.id);
    expect(text).not.toContain(user.username);
  });

  it('keeps a lab run private to the user who ran it', async () => {
    const other = await register(server.url);
    const res = await api(server.url, other, 'GET', '/api/lab/runs/notarealrun1');
    expect(res.status).toBe(200);
    expect(res.json.bytesIn).toBe(0);
  });
});

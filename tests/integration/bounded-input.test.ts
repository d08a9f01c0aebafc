/**
 * Bounded input (issue #12 items 7 and 8): JSON nested deeper than any route expects is refused
 * with 400 before code that recurses over it runs out of stack, and a client that trickles its
 * headers or body is cut off within the configured timeouts.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, register, type TestUser } from '../support/api.js';
import { RawSocket } from '../support/clients.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

let server: ServerProcess;
let admin: TestUser;
let user: TestUser;
let key: string;

beforeAll(async () => {
  server = await startServerProcess({
    env: { HEADERS_TIMEOUT_MS: '500', REQUEST_TIMEOUT_MS: '1000', POLL_HOLD_MS: '2000' },
  });
  admin = await register(server.url, 'boundsadmin');
  user = await register(server.url);
  const made = await api(server.url, admin, 'POST', '/api/admin/keys', {
    name: 'bounds',
    scopes: ['user:*', 'jobs'],
  });
  expect(made.status).toBe(201);
  key = made.json.token as string;
});
afterAll(async () => {
  await server?.stop();
});

/** `[[[ ... ]]]` nested `depth` deep: 32,000 deep is 64,000 bytes, under the 64 KiB body limit. */
const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

const withKey = (path: string, body: string) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body,
  });

describe('JSON nesting', () => {
  it('answers push data 32,000 deep with 400 naming the field and the limit, and stays up', async () => {
    const body = `{"target":{"user":"${user.id}"},"event":"deep","data":${nested(32_000)}}`;
    expect(body.length).toBeLessThan(64 * 1024);
    const res = await withKey('/api/push', body);
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe(
      'data (in the body) is nested 32001 deep; the limit is 32, counting the body itself as 1',
    );
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  });

  it('takes push data nested within the limit', async () => {
    const res = await withKey(
      '/api/push',
      `{"target":{"user":"${user.id}"},"event":"ok","data":${nested(30)}}`,
    );
    expect(res.status).toBe(202);
  });

  it('answers a job result 32,000 deep with 400', async () => {
    const job = await withKey('/api/jobs', JSON.stringify({ user: user.id, title: 'deep' }));
    expect(job.status).toBe(201);
    const { job: created } = (await job.json()) as { job: { id: string } };
    const res = await withKey(`/api/jobs/${created.id}/done`, `{"result":${nested(32_000)}}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('result (in the body) is nested 32001 deep');
  });

  it('answers a deep long-poll body with 400', async () => {
    const res = await fetch(`${server.url}/api/poll/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"cid":"cid-deep-1","frames":[${nested(32_000)}]}`,
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('frames (in the body) is nested');
  });

  it('answers a deep WebSocket frame with an invalid_frame error and keeps the socket', async () => {
    const socket = await RawSocket.hello(server.wsUrl, user.token);
    socket.send(`{"type":"send","stream":"room:lobby","clientMsgId":"d1","text":${nested(32_000)}}`);
    const error = await socket.next('error');
    expect(error.code).toBe('invalid_frame');
    expect(error.message).toContain('text (in the frame) is nested 32001 deep; the limit is 32');
    socket.send({ type: 'ping' });
    await socket.next('pong');
    socket.close();
  });
});

/** Opens a raw TCP connection, trickles `chunks` one per `everyMs`, and resolves when it is cut. */
function trickle(first: string, next: string, everyMs: number): Promise<{ afterMs: number; answer: string }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let answer = '';
    const socket = connect(server.port, '127.0.0.1', () => socket.write(first));
    const timer = setInterval(() => {
      if (!socket.destroyed) socket.write(next);
    }, everyMs);
    socket.on('data', (chunk) => {
      answer += chunk.toString();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ afterMs: Date.now() - started, answer });
    });
    setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error('the trickling connection was not cut within 10 s'));
    }, 10_000);
  });
}

describe('slow clients', () => {
  it('cuts a client that trickles its headers after HEADERS_TIMEOUT_MS (500 ms) with 408', async () => {
    const cut = await trickle('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Slow: 1\r\n', 100);
    expect(cut.afterMs).toBeGreaterThanOrEqual(450);
    expect(cut.afterMs).toBeLessThan(2000);
    expect(cut.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(cut.answer).toContain('"code":"request_timeout"');
  });

  it('cuts a client that trickles its body after REQUEST_TIMEOUT_MS (1,000 ms) with 408', async () => {
    const head =
      'POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n';
    const cut = await trickle(head, ' ', 100);
    expect(cut.afterMs).toBeGreaterThanOrEqual(950);
    expect(cut.afterMs).toBeLessThan(2500);
    expect(cut.answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('does not cut a long-poll held (2 s) longer than the request timeout once its body arrived', async () => {
    const poll = (frames: unknown[], hold: boolean) =>
      fetch(`${server.url}/api/poll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ cid: 'cid-held-1', frames, hold }),
      });
    const first = await poll([{ type: 'hello', v: 1, token: user.token }], false);
    expect(first.status).toBe(200);
    const started = Date.now();
    const held = await poll([], true);
    expect(held.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
  });

  it('counts the timeouts in /metrics', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/switchboard_refusals_total\{reason="timeout"\} [2-9]/);
  });
});

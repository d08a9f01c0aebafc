/** The article's API in TypeScript: acceptWebSocket, requireWebSocket, isWebSocket and the socket. */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { articleDemoRoutes } from '../../server/http/article-demo.js';
import { acceptWebSocket, isWebSocket, requireWebSocket } from '../../server/socket-api/accept-websocket.js';
import type { MessageSocket } from '../../server/socket-api/message-socket.js';
import { until } from '../support/clients.js';

let base: string;
let close: () => void;
const sockets: MessageSocket[] = [];
const timeouts: string[] = [];

beforeAll(async () => {
  const app = new Hono();
  app.get(
    '/both',
    acceptWebSocket((socket) => {
      sockets.push(socket);
    }),
    (c) => c.text(`plain HTTP; isWebSocket=${isWebSocket(c)}`),
  );
  app.get(
    '/bounded',
    acceptWebSocket(
      (socket) => {
        sockets.push(socket);
      },
      { maxQueue: 8 },
    ),
  );
  app.get(
    '/only',
    requireWebSocket((socket) => socket.send('hello')),
  );
  app.get(
    '/throws',
    acceptWebSocket(
      () => {
        throw new Error('handler bug');
      },
      { onError: () => {} },
    ),
  );
  app.get(
    '/timed',
    acceptWebSocket(
      (socket) => {
        sockets.push(socket);
      },
      { helloTimeoutMs: 150, idleTimeoutMs: 300, onTimeout: (name) => timeouts.push(name) },
    ),
  );
  app.route('/', articleDemoRoutes());
  const wss = new WebSocketServer({ noServer: true });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', websocket: { server: wss } }, () =>
      resolve(s),
    );
  });
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

async function open(path: string): Promise<{ ws: WebSocket; socket: MessageSocket }> {
  const before = sockets.length;
  const ws = new WebSocket(`ws://${base}${path}`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  await until(() => sockets.length > before);
  return { ws, socket: sockets[sockets.length - 1] as MessageSocket };
}

describe('acceptWebSocket and requireWebSocket', () => {
  it('acceptWebSocket keeps serving plain HTTP on the same route', async () => {
    const res = await fetch(`http://${base}/both`);
    expect(await res.text()).toBe('plain HTTP; isWebSocket=false');
  });

  it('requireWebSocket answers plain HTTP with 400 and a sentence', async () => {
    const res = await fetch(`http://${base}/only`);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/needs a WebSocket connection/);
  });

  it('requireWebSocket hands an upgrade to its handler', async () => {
    const ws = new WebSocket(`ws://${base}/only`);
    const message = await new Promise<string>((resolve) => ws.once('message', (d) => resolve(d.toString())));
    expect(message).toBe('hello');
    ws.close();
  });

  it('closes with 1011 when the handler throws', async () => {
    const ws = new WebSocket(`ws://${base}/throws`);
    const code = await new Promise<number>((resolve) => ws.once('close', resolve));
    expect(code).toBe(1011);
  });
});

describe('the socket', () => {
  it('read() never waits; wait() waits; both take messages in order', async () => {
    const { ws, socket } = await open('/both');
    expect(socket.read()).toBeNull();
    expect(socket.hasMessages()).toBe(false);
    expect(socket.countMessages()).toBe(0);
    for (const m of ['a', 'b', 'c']) ws.send(m);
    await until(() => socket.countMessages() === 3);
    expect(socket.hasMessages()).toBe(true);
    expect(socket.read()).toBe('a');
    expect(await socket.wait()).toBe('b');
    expect(socket.countMessages()).toBe(1);
    expect(socket.read()).toBe('c');
    const pending = socket.wait();
    ws.send('d');
    expect(await pending).toBe('d');
    ws.send(Buffer.from([1, 2, 3]));
    expect(await socket.wait()).toEqual(new Uint8Array([1, 2, 3]));
    ws.close();
  });

  it('wait() resolves null once closed, after the queue is drained', async () => {
    const { ws, socket } = await open('/both');
    ws.send('last');
    await until(() => socket.hasMessages());
    ws.close();
    await until(() => socket.isClosed);
    expect(await socket.wait()).toBe('last');
    expect(await socket.wait()).toBeNull();
    expect(socket.read()).toBeNull();
  });

  it('a wait() pending at close resolves null', async () => {
    const { ws, socket } = await open('/both');
    const pending = socket.wait();
    ws.close();
    expect(await pending).toBeNull();
  });

  it('iterates messages asynchronously until the socket closes', async () => {
    const { ws, socket } = await open('/both');
    const got: string[] = [];
    const done = (async () => {
      for await (const m of socket) got.push(String(m));
    })();
    for (const m of ['x', 'y', 'z']) ws.send(m);
    await until(() => got.length === 3);
    ws.close();
    await done;
    expect(got).toEqual(['x', 'y', 'z']);
  });

  it('stops reading at the queue bound and drops nothing', async () => {
    const { ws, socket } = await open('/bounded');
    for (let i = 0; i < 2000; i++) ws.send(`m${i}`.padEnd(200, '.'));
    await until(() => socket.countMessages() >= 8);
    await new Promise((r) => setTimeout(r, 300));
    // Reading stopped at the bound plus at most one 64 KiB network read; the rest waits in TCP.
    expect(socket.countMessages()).toBeLessThanOrEqual(8 + Math.ceil(65_536 / 200) + 1);
    const got: string[] = [];
    while (got.length < 2000) {
      const m = await socket.wait();
      if (m === null) break;
      got.push(String(m).replace(/\.+$/, ''));
    }
    expect(got).toEqual(Array.from({ length: 2000 }, (_, i) => `m${i}`));
    ws.close();
  });

  it('sends text and bytes back', async () => {
    const { ws, socket } = await open('/both');
    const received: unknown[] = [];
    ws.on('message', (data, isBinary) => received.push(isBinary ? [...(data as Buffer)] : data.toString()));
    socket.send('text');
    socket.send(new Uint8Array([9, 8]));
    await until(() => received.length === 2);
    expect(received).toEqual(['text', [9, 8]]);
    ws.close();
  });
});

describe('the article’s demo on /path/', () => {
  it('closes a socket that sends nothing within the hello timeout with 4006', async () => {
    const ws = new WebSocket(`ws://${base}/timed`);
    const code = await new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
    expect(code).toBe(4006);
    expect(timeouts).toContain('hello_timeout');
  });

  it('closes a socket silent for the idle timeout with 4010; messages keep it open', async () => {
    const ws = new WebSocket(`ws://${base}/timed`);
    await new Promise((resolve) => ws.once('open', resolve));
    let code: number | null = null;
    ws.once('close', (c) => {
      code = c;
    });
    // Every 100 ms, for 600 ms: twice the idle timeout, and it stays open.
    for (let i = 0; i < 6; i++) {
      ws.send(`keepalive ${i}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(code).toBeNull();
    await until(() => code !== null, 2000, 'the idle close');
    expect(code).toBe(4010);
    expect(timeouts).toContain('idle_timeout');
  });

  it('serves the demo page over plain HTTP', async () => {
    const res = await fetch(`http://${base}/path/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<button id="test"');
    expect(html).not.toMatch(/<script>(?!<\/script>)/); // no inline script: the page works under CSP
  });

  it('answers "发送数据" on the same URL with the push "下载完成"', async () => {
    const ws = new WebSocket(`ws://${base}/path/`);
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send('发送数据');
    const reply = await new Promise<string>((resolve) => ws.once('message', (d) => resolve(d.toString())));
    expect(reply).toBe('下载完成');
    const code = await new Promise<number>((resolve) => ws.once('close', resolve));
    expect(code).toBe(1000);
  });
});

/**
 * The article's demo, in TypeScript: GET /path/ serves a page whose "test" button opens a
 * WebSocket to the same URL, sends "发送数据", and shows each step and the server's push,
 * "下载完成" ("download complete"), on the page instead of in alert()s.
 */
import { type Context, Hono } from 'hono';
import { type AcceptOptions, acceptWebSocket } from '../socket-api/accept-websocket.js';
import type { AppEnv } from './env.js';

const page = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>WebSocket test · Switchboard</title>
<link rel="stylesheet" href="/path/demo.css">
</head>
<body>
<main>
<h1>WebSocket test</h1>
<p>The page from the article "Django实现websocket完成实时通讯", served by Switchboard's
<code>acceptWebSocket</code>: this URL answers plain HTTP with this page, and a WebSocket with a push.</p>
<button id="test" type="button">test</button>
<ol id="steps" aria-live="polite"></ol>
</main>
<script src="/path/demo.js" defer></script>
</body>
</html>
`;

const script = `'use strict';
const steps = document.getElementById('steps');
const say = (text) => {
  const item = document.createElement('li');
  item.textContent = text;
  steps.append(item);
};
document.getElementById('test').addEventListener('click', () => {
  steps.replaceChildren();
  if (!('WebSocket' in window)) {
    say('您的浏览器不支持 WebSocket! (this browser has no WebSocket)');
    return;
  }
  say('您的浏览器支持 WebSocket! (WebSocket is supported)');
  const ws = new WebSocket(location.href.replace(/^http/, 'ws'));
  ws.onopen = () => {
    ws.send('发送数据');
    say('数据发送中... (sent: 发送数据)');
  };
  ws.onmessage = (event) => {
    say('数据已接收... (data received)');
    say('数据: ' + event.data);
  };
  ws.onclose = () => say('连接已关闭... (connection closed)');
});
`;

const style = `body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:40rem;padding:0 1rem;color:#1f2328}
button{font:inherit;padding:.4rem 1.2rem;border-radius:6px;border:1px solid #8c959f;background:#f6f8fa;cursor:pointer}
button:focus-visible{outline:3px solid #0969da;outline-offset:2px}
ol{padding-left:1.4rem}li{margin:.2rem 0}code{background:#f6f8fa;padding:0 .3rem;border-radius:4px}
`;

/** `options`: the sockets' hello and idle timeouts (see AcceptOptions). */
export function articleDemoRoutes(options: AcceptOptions = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const demo = acceptWebSocket(async (socket) => {
    const message = await socket.wait(); // the page sends "发送数据"
    if (message === null) return;
    socket.send('下载完成');
    socket.close(1000, 'done');
  }, options);
  const servePage = (c: Context<AppEnv>) => {
    c.header(
      'Content-Security-Policy',
      "default-src 'self'; connect-src 'self'; base-uri 'none'; object-src 'none'",
    );
    return c.html(page);
  };
  app.get('/path/', demo, (c) => servePage(c));
  app.get('/path', demo, (c) => servePage(c));
  app.get('/path/demo.js', (c) => c.body(script, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
  app.get('/path/demo.css', (c) => c.body(style, 200, { 'Content-Type': 'text/css; charset=utf-8' }));
  return app;
}

#!/usr/bin/env node
// The customer's website in the widget's browser tests: a second real HTTP server on another
// loopback port (so the widget runs cross-origin, as it does on a real site). It serves the pages
// in tests/e2e/host-pages/ with a strict Content-Security-Policy that allows scripts and
// connections only to the Switchboard server, and fills each page's widget snippet in from the
// query: /plain.html?site=KEY&position=bottom-left&accent=%23c026d3&language=zh-CN&greeting=Hi
// (`nowidget=1`, or no site, leaves the snippet out; `title=` sets the page's title).
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';

const HELP = `Usage: node tests/e2e/host-server.mjs

Environment: HOST_PORT (default 3211), SWITCHBOARD_ORIGIN (default http://127.0.0.1:3210).
Serves tests/e2e/host-pages/*.{html,css,js}; GET /health answers 200.
`;
if (process.argv.includes('--help')) {
  process.stdout.write(HELP);
  process.exit(0);
}

const port = Number(process.env.HOST_PORT ?? 3211);
const origin = process.env.SWITCHBOARD_ORIGIN ?? 'http://127.0.0.1:3210';
const pages = new URL('./host-pages/', import.meta.url);
const TYPES = { html: 'text/html; charset=utf-8', css: 'text/css; charset=utf-8', js: 'text/javascript' };
/** Pages that run scripts of their own (the JS API); the others allow only Switchboard's. */
const SCRIPTED = new Set(['api.html']);

const escapeHtml = (s) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function csp(scripted) {
  return [
    "default-src 'none'",
    `script-src ${scripted ? "'self' " : ''}${origin}`,
    `connect-src ${origin} ${origin.replace(/^http/, 'ws')}`,
    "style-src 'self'",
    "img-src 'self'",
  ].join('; ');
}

function snippet(query) {
  const site = query.get('site');
  if (!site || query.has('nowidget')) return '';
  let attrs = ` data-site="${escapeHtml(site)}"`;
  for (const name of ['position', 'accent', 'language', 'greeting']) {
    const value = query.get(name);
    if (value !== null) attrs += ` data-${name}="${escapeHtml(value)}"`;
  }
  return `<script src="${origin}/widget.js"${attrs} async></script>`;
}

createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://host');
  if (url.pathname === '/health') return res.writeHead(200).end('ok');
  if (url.pathname === '/favicon.ico') return res.writeHead(204).end();
  const name = /^\/([a-z-]+\.(html|css|js))$/.exec(url.pathname);
  if (!name) return res.writeHead(404).end('not found');
  let body;
  try {
    body = await readFile(new URL(name[1], pages), 'utf8');
  } catch {
    return res.writeHead(404).end('not found');
  }
  const type = name[2];
  if (type === 'html') {
    body = body
      .replace('{{TITLE}}', escapeHtml(url.searchParams.get('title') ?? 'Acme Outfitters'))
      .replace('{{WIDGET}}', snippet(url.searchParams));
  }
  res
    .writeHead(200, {
      'content-type': TYPES[type],
      'content-security-policy': csp(SCRIPTED.has(name[1])),
      'cache-control': 'no-store',
    })
    .end(body);
}).listen(port, '127.0.0.1', () => {
  process.stdout.write(`host pages on http://127.0.0.1:${port} (Switchboard at ${origin})\n`);
});

/**
 * Customer support over a real server: sites and their origins, visitors and their tokens,
 * conversations between visitors and agents, and the walls between visitors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationView, MsgFrame } from '../../shared/protocol.js';
import { api, register, type TestUser } from '../support/api.js';
import { RawSocket, until } from '../support/clients.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

const HOST = 'https://shop.example';
let server: ServerProcess;
let admin: TestUser;
let agent: TestUser;
let siteKey: string;

beforeAll(async () => {
  server = await startServerProcess({ env: { RATE_BURST: '1000' } });
  admin = await register(server.url, 'supportadmin');
  agent = await register(server.url, 'agentsmith');
  const promoted = await api(server.url, admin, 'PATCH', `/api/admin/users/${agent.id}`, { role: 'agent' });
  expect(promoted.json.user.role).toBe('agent');
  const site = await api(server.url, admin, 'POST', '/api/admin/sites', {
    name: 'Shop',
    allowedOrigins: [HOST, 'https://*.shop.example'],
    options: { prechat: true, greeting: 'Hi! Ask us anything.' },
  });
  expect(site.status).toBe(201);
  siteKey = site.json.site.key;
  expect(site.json.site.snippet).toBe(
    `<script src="${server.url}/widget.js" data-site="${siteKey}" async></script>`,
  );
});
afterAll(async () => {
  await server?.stop();
});

/** A request from the widget on a customer's page. */
async function widget(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; origin?: string; site?: string } = {},
): Promise<{ status: number; json: any; headers: Headers }> {
  const headers: Record<string, string> = { origin: options.origin ?? HOST };
  if (options.token) headers['x-switchboard-visitor'] = options.token;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const sep = path.includes('?') ? '&' : '?';
  const res = await fetch(`${server.url}/api/widget${path}${sep}site=${options.site ?? siteKey}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null, headers: res.headers };
}

async function newVisitor(): Promise<string> {
  const res = await widget('POST', '/visitors');
  expect(res.status).toBe(201);
  return res.json.token as string;
}

async function startConversation(token: string, text: string): Promise<string> {
  const res = await widget('POST', '/conversations', {
    token,
    body: { text, name: 'Vera', email: 'vera@shop.example' },
  });
  expect(res.status).toBe(201);
  return res.json.conversation.id as string;
}

/** The widget's socket: `?site=` in the URL, the visitor token in hello. */
async function visitorSocket(token: string, origin = HOST): Promise<RawSocket> {
  const socket = new RawSocket(`${server.wsUrl}?site=${siteKey}`, { headers: { origin } });
  await socket.opened;
  socket.send({ type: 'hello', v: 1, visitor: token });
  await socket.next('welcome');
  return socket;
}

const agentSocket = () => RawSocket.hello(server.wsUrl, agent.token);

describe('sites and origins', () => {
  it('answers the widget from an allowed origin, with CORS, and 403 from any other', async () => {
    const ok = await widget('GET', '/config');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(HOST);
    expect(ok.json.site).toEqual({ name: 'Shop', greeting: 'Hi! Ask us anything.', prechat: true });
    expect((await widget('GET', '/config', { origin: 'https://www.shop.example' })).status).toBe(200);
    for (const origin of [
      'https://evil.example',
      'http://shop.example',
      'https://shop.example:8443',
      'null',
    ]) {
      expect((await widget('GET', '/config', { origin })).status).toBe(403);
    }
    // The apex is not a subdomain: *.shop.example does not cover a look-alike.
    expect((await widget('GET', '/config', { origin: 'https://evilshop.example' })).status).toBe(403);
    expect((await widget('GET', '/config', { site: 'nosuchsite' })).status).toBe(404);
  });

  it('answers a CORS preflight from an allowed origin', async () => {
    const res = await fetch(`${server.url}/api/widget/conversations?site=${siteKey}`, {
      method: 'OPTIONS',
      headers: { origin: HOST, 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-headers')).toContain('x-switchboard-visitor');
  });

  it('refuses a widget socket or poll from an origin that is not allowed', async () => {
    const refused = new RawSocket(`${server.wsUrl}?site=${siteKey}`, {
      headers: { origin: 'https://evil.example' },
    });
    await expect(refused.opened).rejects.toThrow('HTTP 403');
    const poll = await fetch(`${server.url}/api/poll?site=${siteKey}`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ cid: 'widgetpoll1', frames: [{ type: 'hello', v: 1 }] }),
    });
    expect(poll.status).toBe(403);
  });

  it('rejects an allowed origin that is not an origin', async () => {
    const res = await api(server.url, admin, 'POST', '/api/admin/sites', {
      name: 'Bad',
      allowedOrigins: ['https://x.example/path'],
    });
    expect(res.status).toBe(400);
  });
});

describe('a conversation between a visitor and an agent', () => {
  it('reaches the agent queue live; the agent claims, replies, types and reads; the visitor sees it all', async () => {
    const desk = await agentSocket();
    desk.send({ type: 'sub', stream: 'queue:support' });
    await desk.next('subscribed');
    const token = await newVisitor();
    const id = await startConversation(token, 'Where is my order?');
    const created = await desk.next(
      'event',
      (e) => e.event === 'conversation' && (e.data as ConversationView).id === id,
    );
    expect(created.data).toMatchObject({
      status: 'open',
      assignee: null,
      visitor: { name: 'Vera' },
      lastPreview: 'Where is my order?',
    });

    const visitor = await visitorSocket(token);
    visitor.send({ type: 'sub', stream: `conv:${id}`, after: 0 });
    expect((await visitor.next('msg')).text).toBe('Where is my order?');

    desk.send({ type: 'assign', stream: `conv:${id}`, to: agent.id });
    const claimed = await desk.next(
      'event',
      (e) => (e.data as ConversationView).assignee?.name === agent.username,
    );
    expect((claimed.data as ConversationView).id).toBe(id);

    desk.send({ type: 'sub', stream: `conv:${id}`, after: 0 });
    await desk.next('subscribed', (s) => s.stream === `conv:${id}`);
    desk.send({ type: 'typing', stream: `conv:${id}`, active: true });
    expect((await visitor.next('typing')).user.name).toBe(agent.username);
    desk.send({ type: 'send', stream: `conv:${id}`, clientMsgId: 'reply1', text: 'It ships today.' });
    const reply = await visitor.next('msg', (m) => m.text === 'It ships today.');
    expect(reply.from.name).toBe(agent.username);

    // The visitor reads it; the agent sees "seen". The agent reads; the visitor sees it too.
    visitor.send({ type: 'read', stream: `conv:${id}`, seq: reply.seq });
    expect((await desk.next('receipt', (r) => r.by.name === 'Vera')).seq).toBe(reply.seq);
    desk.send({ type: 'read', stream: `conv:${id}`, seq: reply.seq });
    expect((await visitor.next('receipt', (r) => r.by.name === agent.username)).seq).toBe(reply.seq);

    // "Seen" survives a reload: a new connection gets the other side's position after subscribing.
    const again = await visitorSocket(token);
    again.send({ type: 'sub', stream: `conv:${id}`, after: reply.seq });
    await again.next('subscribed');
    expect(await again.next('receipt')).toMatchObject({ by: { name: agent.username }, seq: reply.seq });
    again.close();
    const desk2 = await agentSocket();
    desk2.send({ type: 'sub', stream: `conv:${id}`, after: reply.seq });
    expect(await desk2.next('receipt')).toMatchObject({ by: { name: 'Vera' }, seq: reply.seq });
    desk2.close();

    desk.send({ type: 'list_conversations', status: 'open' });
    const list = await desk.next('conversations');
    expect(list.items.find((c) => c.id === id)).toMatchObject({
      lastFrom: 'agent',
      lastPreview: 'It ships today.',
    });
    visitor.close();
    desk.close();
  });

  it('keeps private notes from the visitor, and reopens a resolved conversation when the visitor writes', async () => {
    const token = await newVisitor();
    const id = await startConversation(token, 'Hello?');
    const desk = await agentSocket();
    desk.send({ type: 'note', stream: `conv:${id}`, clientMsgId: 'note1', text: 'VIP customer' });
    expect(await desk.next('ack')).toMatchObject({ stream: `notes:${id}`, clientMsgId: 'note1' });
    const notes = await api(server.url, agent, 'GET', `/api/support/conversations/${id}/notes`);
    expect(notes.json.messages.map((m: MsgFrame) => m.text)).toEqual(['VIP customer']);
    const history = await widget('GET', `/conversations/${id}/messages`, { token });
    expect(history.json.messages.map((m: MsgFrame) => m.text)).toEqual(['Hello?']);
    const visitor = await visitorSocket(token);
    visitor.send({ type: 'sub', stream: `notes:${id}` });
    expect(await visitor.next('error')).toMatchObject({ code: 'not_found' });

    const statusOf = async () =>
      (await api(server.url, agent, 'GET', `/api/support/conversations/${id}`)).json.conversation.status;
    desk.send({ type: 'sub', stream: 'queue:support' });
    await desk.next('subscribed');
    desk.send({ type: 'set_status', stream: `conv:${id}`, status: 'resolved' });
    await desk.next(
      'event',
      (e) => (e.data as ConversationView).id === id && (e.data as ConversationView).status === 'resolved',
    );
    expect(await statusOf()).toBe('resolved');
    visitor.send({ type: 'send', stream: `conv:${id}`, clientMsgId: 'again', text: 'One more thing' });
    await visitor.next('ack');
    await desk.next(
      'event',
      (e) => (e.data as ConversationView).id === id && (e.data as ConversationView).status === 'open',
    );
    expect(await statusOf()).toBe('open');
    visitor.close();
    desk.close();
  });

  it('shows the agent the visitor’s pages, identity and browser', async () => {
    const token = await newVisitor();
    const id = await startConversation(token, 'Question about pricing');
    expect(
      (
        await widget('POST', '/page', {
          token,
          body: { url: `${HOST}/pricing`, title: 'Pricing', timezone: 'Europe/Berlin' },
        })
      ).status,
    ).toBe(204);
    await widget('POST', '/identify', {
      token,
      body: { name: 'Vera V.', attributes: { plan: 'pro', seats: 5 } },
    });
    const context = await api(server.url, agent, 'GET', `/api/support/conversations/${id}`);
    expect(context.json.visitor).toMatchObject({
      name: 'Vera V.',
      attributes: { plan: 'pro', seats: 5 },
      timezone: 'Europe/Berlin',
      pages: [{ url: `${HOST}/pricing`, title: 'Pricing' }],
    });
    expect(context.json.visitor.userAgent).not.toBe('');
  });

  it('counts unread agent replies for a returning visitor with one cheap request', async () => {
    const token = await newVisitor();
    const id = await startConversation(token, 'Anyone?');
    expect((await widget('GET', '/unread', { token })).json.unread).toBe(0);
    const desk = await agentSocket();
    desk.send({ type: 'send', stream: `conv:${id}`, clientMsgId: 'u1', text: 'Yes, here.' });
    const ack = await desk.next('ack');
    expect((await widget('GET', '/unread', { token })).json.unread).toBe(1);
    const visitor = await visitorSocket(token);
    visitor.send({ type: 'read', stream: `conv:${id}`, seq: ack.seq });
    await visitor.next('read');
    expect((await widget('GET', '/unread', { token })).json.unread).toBe(0);
    visitor.close();
    desk.close();
  });
});

describe('opening a conversation', () => {
  it('is idempotent: the same clientMsgId makes one conversation and one message', async () => {
    const token = await newVisitor();
    const body = { text: 'only once', clientMsgId: 'first-message-1' };
    const first = await widget('POST', '/conversations', { token, body });
    const again = await widget('POST', '/conversations', { token, body });
    expect(again.json.conversation.id).toBe(first.json.conversation.id);
    expect(again.json.message.seq).toBe(first.json.message.seq);
    expect((await widget('GET', '/conversations', { token })).json.conversations).toHaveLength(1);
    const conflict = await widget('POST', '/conversations', {
      token,
      body: { ...body, text: 'something else' },
    });
    expect(conflict.status).toBe(409);
  });
});

describe('walls between visitors', () => {
  it('answers visitor B 404 for visitor A’s conversation on every path, with no hint it exists', async () => {
    const a = await newVisitor();
    const b = await newVisitor();
    const id = await startConversation(a, 'private to A');
    expect((await widget('GET', `/conversations/${id}/messages`, { token: b })).status).toBe(404);
    expect((await widget('GET', `/conversations/${'x'.repeat(22)}/messages`, { token: b })).status).toBe(404);
    expect((await widget('GET', '/conversations', { token: b })).json.conversations).toEqual([]);

    const socket = await visitorSocket(b);
    socket.send({ type: 'sub', stream: `conv:${id}`, after: 0 });
    expect(await socket.next('error')).toMatchObject({ code: 'not_found', ref: `conv:${id}` });
    socket.send({ type: 'send', stream: `conv:${id}`, clientMsgId: 'intrude', text: 'hi' });
    expect(await socket.next('error')).toMatchObject({ code: 'not_found', ref: 'intrude' });
    socket.send({ type: 'sub', stream: 'room:general' });
    expect(await socket.next('error')).toMatchObject({ code: 'not_found' });
    expect(socket.frames.filter((f) => f.type === 'msg')).toEqual([]);

    const poll = await fetch(`${server.url}/api/poll?site=${siteKey}`, {
      method: 'POST',
      headers: { origin: HOST, 'content-type': 'application/json' },
      body: JSON.stringify({
        cid: 'visitorbpoll',
        hold: false,
        frames: [
          { type: 'hello', v: 1, visitor: b },
          { type: 'sub', stream: `conv:${id}`, after: 0 },
        ],
      }),
    });
    const answer = (await poll.json()) as { frames: { type: string; code?: string; text?: string }[] };
    expect(answer.frames.some((f) => f.type === 'error' && f.code === 'not_found')).toBe(true);
    expect(answer.frames.some((f) => f.type === 'msg')).toBe(false);
    // A's token on another site does not work either.
    const other = await api(server.url, admin, 'POST', '/api/admin/sites', {
      name: 'Other',
      allowedOrigins: [HOST],
    });
    expect((await widget('GET', '/conversations', { token: a, site: other.json.site.key })).status).toBe(401);
    socket.close();
  });

  it('answers a visitor’s agent-only frames with forbidden, and nothing changes', async () => {
    const token = await newVisitor();
    const id = await startConversation(token, 'just asking');
    const before = (await api(server.url, agent, 'GET', `/api/support/conversations/${id}`)).json
      .conversation;
    const socket = await visitorSocket(token);
    socket.send({ type: 'assign', stream: `conv:${id}`, to: agent.id });
    socket.send({ type: 'set_status', stream: `conv:${id}`, status: 'resolved' });
    socket.send({ type: 'note', stream: `conv:${id}`, clientMsgId: 'n1', text: 'sneaky' });
    socket.send({ type: 'list_conversations' });
    await until(() => socket.frames.filter((f) => f.type === 'error').length === 4, 3000, 'four refusals');
    expect(socket.frames.filter((f) => f.type === 'error').map((f) => f.type === 'error' && f.code)).toEqual([
      'forbidden',
      'forbidden',
      'forbidden',
      'forbidden',
    ]);
    expect(socket.frames.some((f) => f.type === 'conversations')).toBe(false);
    const after = (await api(server.url, agent, 'GET', `/api/support/conversations/${id}`)).json.conversation;
    expect(after).toEqual(before);
    expect(
      (await api(server.url, agent, 'GET', `/api/support/conversations/${id}/notes`)).json.messages,
    ).toEqual([]);
    socket.close();
  });

  it('keeps visitors out of the agent API and queue', async () => {
    const token = await newVisitor();
    const socket = await visitorSocket(token);
    socket.send({ type: 'sub', stream: 'queue:support' });
    expect(await socket.next('error')).toMatchObject({ code: 'not_found' });
    const user = await register(server.url);
    expect((await api(server.url, user, 'GET', '/api/support/conversations')).status).toBe(403);
    const userSocket = await RawSocket.hello(server.wsUrl, user.token);
    userSocket.send({ type: 'sub', stream: 'queue:support' });
    expect(await userSocket.next('error')).toMatchObject({ code: 'forbidden' });
    socket.close();
    userSocket.close();
  });
});

describe('pushing to a visitor', () => {
  it('delivers an event a backend pushes to {visitor: id} on the visitor’s own stream, and only there', async () => {
    const token = await newVisitor();
    const socket = await visitorSocket(token);
    const key = await api(server.url, admin, 'POST', '/api/admin/keys', {
      name: 'visitors',
      scopes: ['visitor:*'],
    });
    const visitorId = await new Promise<string>((resolve) => {
      // The welcome frame names the visitor as `v.<id>`.
      const again = new RawSocket(`${server.wsUrl}?site=${siteKey}`, { headers: { origin: HOST } });
      void again.opened.then(() => again.send({ type: 'hello', v: 1, visitor: token }));
      void again.next('welcome').then((w) => {
        resolve(w.user.id.slice(2));
        again.close();
      });
    });
    socket.send({ type: 'sub', stream: `visitor:${visitorId}` });
    await socket.next('subscribed');
    const push = (target: unknown) =>
      fetch(`${server.url}/api/push`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key.json.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ target, event: 'order.shipped', data: { order: 42 } }),
      });
    expect((await push({ visitor: visitorId })).status).toBe(202);
    expect(await socket.next('event')).toMatchObject({
      stream: `visitor:${visitorId}`,
      event: 'order.shipped',
      data: { order: 42 },
    });
    expect((await push({ visitor: 'no-such-visitor' })).status).toBe(404);
    // Another visitor cannot listen in.
    const other = await visitorSocket(await newVisitor());
    other.send({ type: 'sub', stream: `visitor:${visitorId}` });
    expect(await other.next('error')).toMatchObject({ code: 'not_found' });
    socket.close();
    other.close();
  });
});

describe('availability', () => {
  it('says nobody is available until an online agent is connected, and outside business hours', async () => {
    expect((await widget('GET', '/config')).json).toMatchObject({ available: false, reason: 'no_agents' });
    await api(server.url, agent, 'PUT', '/api/support/availability', { availability: 'online' });
    const desk = await agentSocket();
    desk.send({ type: 'sub', stream: 'queue:support' });
    await desk.next('subscribed');
    for (let i = 0; (await widget('GET', '/config')).json.available !== true; i++) {
      if (i > 50) throw new Error('never available');
      await new Promise((r) => setTimeout(r, 50));
    }
    const now = new Date();
    const closedDay = (now.getUTCDay() + 3) % 7;
    const site = await api(server.url, admin, 'POST', '/api/admin/sites', {
      name: 'Office hours',
      allowedOrigins: [HOST],
      options: { businessHours: { timezone: 'UTC', days: [closedDay], open: '00:00', close: '23:59' } },
    });
    expect((await widget('GET', '/config', { site: site.json.site.key })).json).toMatchObject({
      available: false,
      reason: 'outside_hours',
    });
    desk.close();
    await api(server.url, agent, 'PUT', '/api/support/availability', { availability: 'away' });
  });
});

describe('hostile input', () => {
  it('stores an XSS corpus as visitor name, message and page title verbatim, as text', async () => {
    const corpus = ['<img src=x onerror=alert(1)>', '<script>alert(1)</script>', 'javascript:alert(1)'];
    const token = await newVisitor();
    const res = await widget('POST', '/conversations', {
      token,
      body: { text: corpus.join(' '), name: corpus[0] },
    });
    const id = res.json.conversation.id;
    await widget('POST', '/page', { token, body: { url: `${HOST}/x`, title: corpus[1] } });
    const context = await api(server.url, agent, 'GET', `/api/support/conversations/${id}`);
    expect(context.json.visitor.name).toBe(corpus[0]);
    expect(context.json.visitor.pages[0].title).toBe(corpus[1]);
    expect(res.json.message.text).toBe(corpus.join(' '));
  });
});

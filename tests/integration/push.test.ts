/** The push API, API keys and jobs, against a real server, with the typed server SDK. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPushClient, PushError } from '../../server/push/client.js';
import type { EventFrame, JobFrame } from '../../shared/protocol.js';
import type { SwitchboardClient } from '../../web/client/index.js';
import { api, register, type TestUser } from '../support/api.js';
import { sdkClient, until } from '../support/clients.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

let server: ServerProcess;
let admin: TestUser;
let user: TestUser;

beforeAll(async () => {
  server = await startServerProcess({ env: { PUSH_RATE_BURST: '1000', RATE_BURST: '1000' } });
  admin = await register(server.url, 'pushadmin');
  user = await register(server.url);
});
afterAll(async () => {
  await server?.stop();
});

async function newKey(scopes: string[], as = admin): Promise<string> {
  const res = await api(server.url, as, 'POST', '/api/admin/keys', {
    name: `test ${scopes.join(' ')}`,
    scopes,
  });
  if (res.status !== 201) throw new Error(`key: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json.token as string;
}

const rawPush = (key: string | null, body: unknown, headers: Record<string, string> = {}, query = '') =>
  fetch(`${server.url}/api/push${query}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

function listen(client: SwitchboardClient) {
  const events: EventFrame[] = [];
  const jobs: JobFrame[] = [];
  client.on('event', (e) => events.push(e));
  client.on('job', (j) => jobs.push(j));
  return { events, jobs };
}

describe('API keys', () => {
  it('are created by an admin only, shown once, listed without the secret, and revocable', async () => {
    expect(
      (await api(server.url, user, 'POST', '/api/admin/keys', { name: 'x', scopes: ['user:*'] })).status,
    ).toBe(403);
    const created = await api(server.url, admin, 'POST', '/api/admin/keys', {
      name: 'ci',
      scopes: ['topic:*'],
    });
    expect(created.status).toBe(201);
    expect(created.json.token).toMatch(/^sb_[0-9a-f]{16}_[\w-]{43}$/);
    const list = await api(server.url, admin, 'GET', '/api/admin/keys');
    const listed = list.json.keys.find((k: { id: string }) => k.id === created.json.key.id);
    expect(listed).toMatchObject({ name: 'ci', scopes: ['topic:*'], revokedAt: null });
    expect(JSON.stringify(list.json)).not.toContain(created.json.token.slice(20));
    const push = () => rawPush(created.json.token, { target: { topic: 'news' }, event: 'x' });
    expect((await push()).status).toBe(202);
    expect((await api(server.url, admin, 'DELETE', `/api/admin/keys/${created.json.key.id}`)).status).toBe(
      204,
    );
    const refused = await push();
    expect(refused.status).toBe(401);
    expect(await refused.text()).toContain('revoked');
  });

  it('refuses a bad scope with a sentence', async () => {
    const res = await api(server.url, admin, 'POST', '/api/admin/keys', {
      name: 'bad',
      scopes: ['everything'],
    });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain('a scope is');
  });
});

describe('POST /api/push', () => {
  it('answers 401 without a key or with a wrong one', async () => {
    expect((await rawPush(null, { target: { user: user.id }, event: 'x' })).status).toBe(401);
    const wrong = `sb_0123456789abcdef_${'x'.repeat(43)}`;
    expect((await rawPush(wrong, { target: { user: user.id }, event: 'x' })).status).toBe(401);
  });

  it('refuses a key in the query string, even a valid one', async () => {
    const key = await newKey(['user:*']);
    const res = await rawPush(key, { target: { user: user.id }, event: 'x' }, {}, `?key=${key}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Authorization header');
    const onlyQuery = await rawPush(null, { target: { user: user.id }, event: 'x' }, {}, `?api_key=${key}`);
    expect(onlyQuery.status).toBe(400);
  });

  it('answers 403 for a target outside the key’s scopes', async () => {
    const key = await newKey(['room:general']);
    expect((await rawPush(key, { target: { room: 'general' }, event: 'ok' })).status).toBe(202);
    const res = await rawPush(key, { target: { room: 'random' }, event: 'no' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('room:random');
    expect((await rawPush(key, { target: { user: user.id }, event: 'no' })).status).toBe(403);
  });

  it('answers 413 for an oversize body and 400 for oversize data', async () => {
    const key = await newKey(['topic:*']);
    const huge = await rawPush(key, { target: { topic: 'big' }, event: 'x', data: 'y'.repeat(70_000) });
    expect(huge.status).toBe(413);
    const big = await rawPush(key, { target: { topic: 'big' }, event: 'x', data: 'y'.repeat(40_000) });
    expect(big.status).toBe(400);
  });

  it('answers 404 for a user or room that does not exist', async () => {
    const key = await newKey(['user:*', 'room:*']);
    expect((await rawPush(key, { target: { user: 'nobody' }, event: 'x' })).status).toBe(404);
    expect((await rawPush(key, { target: { room: 'nowhere' }, event: 'x' })).status).toBe(404);
  });

  it('delivers live, and answers a replayed Idempotency-Key with the first response, delivering once', async () => {
    const key = await newKey(['user:*']);
    const client = sdkClient(server.wsUrl, user.token);
    const { events } = listen(client);
    client.subscribe(`user:${user.id}`);
    client.connect();
    await until(() => client.cursor(`user:${user.id}`) !== undefined);
    const body = { target: { user: user.id }, event: 'report.ready', data: { url: '/r/1' } };
    const first = await rawPush(key, body, { 'idempotency-key': 'report-1' });
    expect(first.status).toBe(202);
    const accepted = await first.json();
    expect(accepted).toMatchObject({
      stream: `user:${user.id}`,
      seq: expect.any(Number),
      id: expect.any(String),
    });
    const again = await rawPush(key, body, { 'idempotency-key': 'report-1' });
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(accepted);
    const conflict = await rawPush(
      key,
      { ...body, data: { url: '/r/2' } },
      { 'idempotency-key': 'report-1' },
    );
    expect(conflict.status).toBe(409);
    await until(() => events.some((e) => e.event === 'report.ready'));
    await new Promise((r) => setTimeout(r, 200));
    expect(events.filter((e) => e.event === 'report.ready')).toEqual([
      expect.objectContaining({ seq: accepted.seq, id: accepted.id, data: { url: '/r/1' } }),
    ]);
    client.close();
  });

  it('delivers an event pushed while the browser was offline when it reconnects', async () => {
    const push = createPushClient({ url: server.url, key: await newKey(['user:*']) });
    const client = sdkClient(server.wsUrl, user.token);
    const { events } = listen(client);
    client.subscribe(`user:${user.id}`);
    client.connect();
    await until(() => client.cursor(`user:${user.id}`) !== undefined);
    client.close();
    const accepted = await push.push({ target: { user: user.id }, event: 'while.offline', data: { n: 1 } });
    client.connect();
    await until(() => events.some((e) => e.event === 'while.offline'), 5000, 'the offline event');
    expect(events.find((e) => e.event === 'while.offline')?.seq).toBe(accepted.seq);
    client.close();
  });

  it('rate-limits per key with 429 and Retry-After', async () => {
    const limited = await startServerProcess({ env: { PUSH_RATE_BURST: '3', PUSH_RATE_REFILL_MS: '60000' } });
    try {
      const owner = await register(limited.url);
      const res = await api(limited.url, owner, 'POST', '/api/admin/keys', {
        name: 'slow',
        scopes: ['topic:*'],
      });
      const push = createPushClient({ url: limited.url, key: res.json.token });
      for (let i = 0; i < 3; i++) await push.push({ target: { topic: 't' }, event: 'e' });
      const refused = await push.push({ target: { topic: 't' }, event: 'e' }).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(PushError);
      expect(refused).toMatchObject({ status: 429, code: 'rate_limited' });
      expect((refused as PushError).retryAfterMs).toBeGreaterThan(0);
    } finally {
      await limited.stop();
    }
  });
});

describe('jobs', () => {
  it('need the jobs scope', async () => {
    const push = createPushClient({ url: server.url, key: await newKey(['user:*']) });
    await expect(push.jobs.create({ user: user.id, title: 'x' })).rejects.toMatchObject({ status: 403 });
  });

  it('show progress live; a reconnect gets the latest at once; done is delivered after a reconnect that missed it', async () => {
    const push = createPushClient({ url: server.url, key: await newKey(['jobs']) });
    const client = sdkClient(server.wsUrl, user.token);
    const seen = listen(client);
    client.subscribe(`user:${user.id}`);
    client.connect();
    await until(() => client.cursor(`user:${user.id}`) !== undefined);

    const job = await push.jobs.create({ user: user.id, title: 'Export' });
    await push.jobs.progress(job.id, { percent: 10, message: 'step 1' });
    await until(() => seen.jobs.some((j) => j.id === job.id && j.percent === 10), 5000, 'live progress');

    client.close();
    for (let p = 20; p <= 60; p += 10)
      await push.jobs.progress(job.id, { percent: p, message: `step ${p / 10}` });
    const before = seen.jobs.length;
    client.connect();
    await until(() => seen.jobs.length > before, 5000, 'the snapshot after reconnect');
    const afterReconnect = seen.jobs.slice(before).filter((j) => j.id === job.id);
    // The latest value at once, not the steps that were missed.
    expect(afterReconnect).toEqual([
      expect.objectContaining({ percent: 60, message: 'step 6', status: 'running' }),
    ]);

    client.close();
    const done = await push.jobs.done(job.id, { result: { url: '/exports/1.csv' } });
    expect(done.job).toMatchObject({ status: 'done', percent: 100 });
    expect(
      (await push.jobs.progress(job.id, { percent: 5 }).catch((e: PushError) => e)) as PushError,
    ).toMatchObject({
      status: 409,
    });
    client.connect();
    await until(() => seen.events.some((e) => e.event === 'job.done'), 5000, 'the done event');
    const event = seen.events.find((e) => e.event === 'job.done') as EventFrame;
    expect(event.seq).toBe(done.event.seq);
    expect(event.data).toMatchObject({ jobId: job.id, result: { url: '/exports/1.csv' } });
    // Retrying done with the same result is harmless; a different ending is refused.
    expect((await push.jobs.done(job.id, { result: { url: '/exports/1.csv' } })).event.seq).toBe(
      done.event.seq,
    );
    await expect(push.jobs.done(job.id, { error: 'no' })).rejects.toMatchObject({ status: 409 });
    client.close();
  });

  it('runs the download demo to "下载完成" with a file only its owner can fetch', async () => {
    const client = sdkClient(server.wsUrl, user.token);
    const seen = listen(client);
    client.subscribe(`user:${user.id}`);
    client.connect();
    await until(() => client.cursor(`user:${user.id}`) !== undefined);
    const started = await api(server.url, user, 'POST', '/api/demo/download');
    expect(started.status).toBe(202);
    const id = started.json.job.id as string;
    await until(
      () => seen.jobs.some((j) => j.id === id && j.status === 'running' && j.percent > 0),
      10_000,
      'progress',
    );
    await until(() => seen.jobs.some((j) => j.id === id && j.status === 'done'), 15_000, 'done');
    const done = seen.jobs.find((j) => j.id === id && j.status === 'done') as JobFrame;
    expect(done.message).toBe('下载完成');
    const url = (done.result as { url: string }).url;
    const file = await fetch(`${server.url}${url}`, { headers: { cookie: user.cookie } });
    expect(file.status).toBe(200);
    expect(await file.text()).toContain('part 10, line 100');
    const stranger = await register(server.url);
    expect((await api(server.url, stranger, 'GET', url)).status).toBe(404);
    const list = await api(server.url, user, 'GET', '/api/jobs');
    expect(list.json.jobs.map((j: { id: string }) => j.id)).toContain(id);
    client.close();
  }, 30_000);
});

/**
 * Idle long-polls wait: a polling client in a room where others are present but quiet makes one
 * request per POLL_HOLD_MS, because a poll is answered early only by what is new to it (its
 * `sub.known` names the presence and job state it holds). Changes still arrive within a second,
 * on one process and on two processes sharing PostgreSQL and Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPushClient } from '../../server/push/client.js';
import type { PollAnswer, PresenceFrame, ServerFrame } from '../../shared/protocol.js';
import { createClient, type SwitchboardClient } from '../../web/client/index.js';
import { pollingTransport } from '../../web/client/polling.js';
import { api, register, type TestUser } from '../support/api.js';
import { RawSocket, until } from '../support/clients.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';
import { clusterEnv, dropSchemas } from '../support/services.js';

const HOLD_MS = 1000;
const ROOM = 'room:general';
const running: ServerProcess[] = [];
const sockets: RawSocket[] = [];
const schemas = new Set<string>();

afterAll(async () => {
  for (const s of sockets) s.close();
  for (const s of running) await s.stop('SIGKILL');
  await dropSchemas(schemas);
});

/** Ten members of General, each present on a socket (spread over `servers`), saying nothing. */
async function quietMembers(servers: ServerProcess[], count = 10): Promise<RawSocket[]> {
  const members: RawSocket[] = [];
  for (let i = 0; i < count; i++) {
    const server = servers[i % servers.length] as ServerProcess;
    const user = await register(server.url);
    const socket = await RawSocket.hello(server.wsUrl, user.token);
    socket.send({ type: 'sub', stream: ROOM });
    await socket.next('subscribed');
    sockets.push(socket);
    members.push(socket);
  }
  return members;
}

interface Poller {
  client: SwitchboardClient;
  /** When each `/api/poll` request started (not `/api/poll/send`). */
  polls: number[];
  present: () => string[];
  typing: { user: string; at: number }[];
  /** When the poll now in flight started, or null between polls. */
  state: { heldSince: number | null };
}

/** The real SDK forced onto long-polling, counting its polls; `servers` take turns per request. */
function poller(user: TestUser, servers: ServerProcess[]): Poller {
  const polls: number[] = [];
  let turn = 0;
  const fetchTurns: typeof fetch = (input, init) => {
    const server = servers[turn++ % servers.length] as ServerProcess;
    const url = String(input).replace('http://cluster', server.url);
    if (new URL(url).pathname !== '/api/poll') return fetch(url, init);
    const started = Date.now();
    polls.push(started);
    state.heldSince = started;
    return fetch(url, init).finally(() => {
      if (state.heldSince === started) state.heldSince = null;
    });
  };
  const state: Poller['state'] = { heldSince: null };
  const client = createClient({
    url: 'ws://cluster/ws',
    token: user.token,
    transport: 'polling',
    transports: { polling: pollingTransport({ baseUrl: 'http://cluster', fetch: fetchTurns }) },
  });
  const present = new Map<string, string>();
  const typing: Poller['typing'] = [];
  client.on('presence', (frame: PresenceFrame) => {
    if (frame.stream !== ROOM) return;
    if (frame.kind === 'snapshot') present.clear();
    for (const u of frame.users) {
      if (frame.kind === 'leave') present.delete(u.id);
      else present.set(u.id, u.name);
    }
  });
  client.on('typing', (t) => typing.push({ user: t.user.id, at: Date.now() }));
  client.subscribe(ROOM);
  client.subscribe(`user:${user.id}`);
  client.connect();
  return { client, polls, present: () => [...present.keys()], typing, state };
}

/**
 * The next three polls take at least two hold times: each waits out the hold (the first may
 * start at once). A client woken by what it knows makes them in a few milliseconds.
 */
async function expectIdle(p: Poller): Promise<{ elapsedMs: number; perHold: number }> {
  const from = p.polls.length;
  const started = Date.now();
  await until(() => p.polls.length >= from + 3, 3 * HOLD_MS + 10_000, 'three more polls');
  const elapsedMs = (p.polls[from + 2] as number) - started;
  expect(elapsedMs).toBeGreaterThanOrEqual(2 * HOLD_MS - 100);
  return { elapsedMs, perHold: (3 * HOLD_MS) / elapsedMs };
}

async function expectChangesArrive(p: Poller, user: TestUser, server: ServerProcess, typist: RawSocket) {
  // A join, then a leave: each reaches the idle poller within a second.
  const socket = await RawSocket.hello(server.wsUrl, user.token);
  let sent = Date.now();
  socket.send({ type: 'sub', stream: ROOM });
  await until(() => p.present().includes(user.id), 1000, 'the join');
  const joinMs = Date.now() - sent;
  sent = Date.now();
  socket.send({ type: 'unsub', stream: ROOM });
  await until(() => !p.present().includes(user.id), 1000, 'the leave');
  const leaveMs = Date.now() - sent;
  socket.close();
  // Typing from a quiet member, while a poll is held. (Typing is not stored: one sent in the
  // moment between two polls is not repeated, but the SPA repeats it every 2 s while typing.)
  await until(
    () => p.state.heldSince !== null && Date.now() - p.state.heldSince >= 250,
    5000,
    'a poll held for 250 ms',
  );
  const typedAt = Date.now();
  typist.send({ type: 'typing', stream: ROOM, active: true });
  await until(() => p.typing.some((t) => t.at >= typedAt), 1000, 'the typing indicator');
  return { joinMs, leaveMs, typingMs: Date.now() - typedAt };
}

describe('an idle long-poll on one process', () => {
  let server: ServerProcess;
  let admin: TestUser;

  beforeAll(async () => {
    server = await startServerProcess({ env: { POLL_HOLD_MS: String(HOLD_MS), RATE_BURST: '10000' } });
    running.push(server);
    admin = await register(server.url); // the first account: the admin
  });

  it('makes one request per POLL_HOLD_MS with 10 quiet members present, and still sees changes within 1 s', async () => {
    const members = await quietMembers([server]);
    const alice = await register(server.url);
    // A finished job: every poll's handshake carries it again on alice's user stream.
    const key = (await api(server.url, admin, 'POST', '/api/admin/keys', { name: 'idle', scopes: ['jobs'] }))
      .json.token as string;
    const push = createPushClient({ url: server.url, key });
    const job = await push.jobs.create({ user: alice.id, title: 'Report' });
    await push.jobs.done(job.id, { result: { ok: true } });

    const p = poller(alice, [server]);
    await until(() => p.present().length === 11, 5000, 'alice sees all 11 present');
    const idle = await expectIdle(p);
    console.log(`one process: 3 polls in ${idle.elapsedMs} ms (hold ${HOLD_MS} ms)`);

    const latency = await expectChangesArrive(p, await register(server.url), server, members[0] as RawSocket);
    console.log(
      `one process: join ${latency.joinMs} ms, leave ${latency.leaveMs} ms, typing ${latency.typingMs} ms`,
    );
    // And after the changes it idles again.
    await expectIdle(p);
    p.client.close();
  }, 60_000);
});

describe('raw polls with `known`', () => {
  let server: ServerProcess;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    server = await startServerProcess({ env: { POLL_HOLD_MS: String(HOLD_MS) } });
    running.push(server);
    alice = await register(server.url);
    bob = await register(server.url);
  });

  const poll = async (frames: unknown[], hold = true) => {
    const started = Date.now();
    const res = await fetch(`${server.url}/api/poll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: alice.cookie, origin: server.url },
      body: JSON.stringify({ cid: 'cid-known-1', frames, hold }),
    });
    return { ms: Date.now() - started, answer: (await res.json()) as PollAnswer };
  };
  const snapshotsOf = (answer: PollAnswer) =>
    (answer.frames as ServerFrame[]).filter(
      (f): f is PresenceFrame => f.type === 'presence' && f.kind === 'snapshot',
    );
  const hello = { type: 'hello', v: 1 };

  it('holds a poll whose snapshot the client holds, and answers at once when someone joined between polls', async () => {
    const room = (await api(server.url, alice, 'POST', '/api/rooms', { title: 'known' })).json.room.id;
    await api(server.url, bob, 'POST', `/api/rooms/${room}/join`);
    const stream = `room:${room}`;
    const bobs = await RawSocket.hello(server.wsUrl, bob.token);
    sockets.push(bobs);
    bobs.send({ type: 'sub', stream });
    await bobs.next('subscribed');

    const first = await poll([hello, { type: 'sub', stream }], false);
    expect(snapshotsOf(first.answer).map((f) => f.users.length)).toEqual([2]);
    const known = first.answer.known?.[stream] as string;
    expect(known).toMatch(/^[A-Za-z0-9_-]{10,64}$/);

    // Nothing changed: held for the whole hold, and the snapshot is not sent again.
    const same = await poll([hello, { type: 'sub', stream, known }]);
    expect(same.ms).toBeGreaterThanOrEqual(HOLD_MS - 50);
    expect(snapshotsOf(same.answer)).toEqual([]);
    expect(same.answer.known?.[stream]).toBe(known);

    // Bob leaves while no poll is held (a socket of alice's sees it happen): the next poll
    // answers at once with the new snapshot.
    const watcher = await RawSocket.hello(server.wsUrl, alice.token);
    sockets.push(watcher);
    watcher.send({ type: 'sub', stream });
    await watcher.next('subscribed');
    bobs.send({ type: 'unsub', stream });
    await watcher.next('presence', (f) => f.kind === 'leave' && f.users.some((u) => u.id === bob.id));
    const changed = await poll([hello, { type: 'sub', stream, known }]);
    expect(changed.ms).toBeLessThan(HOLD_MS / 2);
    expect(snapshotsOf(changed.answer).map((f) => f.users.map((u) => u.id))).toEqual([[alice.id]]);
    expect(changed.answer.known?.[stream]).not.toBe(known);
  });
});

describe('an idle long-poll on two processes (PostgreSQL + Redis)', () => {
  it('makes one request per POLL_HOLD_MS while hopping between the processes, and still sees changes within 1 s', async () => {
    const env = clusterEnv(schemas, {
      POLL_HOLD_MS: String(HOLD_MS),
    });
    const [a, b] = (await Promise.all([startServerProcess({ env }), startServerProcess({ env })])) as [
      ServerProcess,
      ServerProcess,
    ];
    running.push(a, b);
    const members = await quietMembers([a, b]);
    const alice = await register(a.url);
    const p = poller(alice, [a, b]);
    await until(() => p.present().length === 11, 5000, 'alice sees all 11 present');
    const idle = await expectIdle(p);
    console.log(`two processes: 3 polls in ${idle.elapsedMs} ms (hold ${HOLD_MS} ms)`);
    const latency = await expectChangesArrive(p, await register(b.url), b, members[1] as RawSocket);
    console.log(
      `two processes: join ${latency.joinMs} ms, leave ${latency.leaveMs} ms, typing ${latency.typingMs} ms`,
    );
    await expectIdle(p);
    p.client.close();
  }, 90_000);
});

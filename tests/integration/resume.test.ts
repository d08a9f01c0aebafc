/** The delivery guarantee over a real server and real sockets: resume, idempotency, resync. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, fetchHistory, register, type TestUser } from '../support/api.js';
import { RawSocket, sdkClient, until } from '../support/clients.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

let server: ServerProcess;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  server = await startServerProcess({ env: { RATE_BURST: '10000' } });
  alice = await register(server.url);
  bob = await register(server.url);
});
afterAll(async () => {
  await server?.stop();
});

const history = (user: TestUser, room: string) => fetchHistory(server.url, user, room);

describe('resume after being offline', () => {
  it('a client offline while 50 messages are sent gets exactly those 50, in order, then live ones', async () => {
    const room = (await api(server.url, alice, 'POST', '/api/rooms', { title: 'resume' })).json.room.id;
    await api(server.url, bob, 'POST', `/api/rooms/${room}/join`);
    const stream = `room:${room}`;

    const a = sdkClient(server.wsUrl, alice.token);
    const seen: number[] = [];
    a.on('message', (m) => seen.push(m.seq));
    a.subscribe(stream);
    a.connect();
    const b = sdkClient(server.wsUrl, bob.token);
    b.connect();
    await until(() => a.cursor(stream) === 0 && b.state.status === 'online');
    b.send(stream, 'before');
    await until(() => seen.length === 1);

    a.close();
    const sent = Array.from({ length: 50 }, (_, i) => b.send(stream, `offline ${i}`));
    await until(() => sent.every((e) => e.status === 'sent'), 10_000, '50 acks');

    a.connect();
    await until(() => seen.length === 51, 10_000, '50 replayed');
    expect(seen).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
    b.send(stream, 'live after resume');
    await until(() => seen.length === 52);
    expect(seen.at(-1)).toBe(52);
    a.close();
    b.close();
  });
});

describe('idempotent sends', () => {
  it('a duplicate clientMsgId gives one stored row and the same ack', async () => {
    const room = (await api(server.url, alice, 'POST', '/api/rooms', { title: 'dups' })).json.room.id;
    const socket = await RawSocket.hello(server.wsUrl, alice.token);
    const frame = { type: 'send', stream: `room:${room}`, clientMsgId: 'same-id-1', text: 'only once' };
    socket.send(frame);
    const first = await socket.next('ack');
    socket.send(frame);
    const second = await socket.next('ack');
    expect(second).toEqual(first);
    socket.send({ ...frame, text: 'something else' });
    const conflict = await socket.next('error');
    expect(conflict).toMatchObject({ code: 'idempotency_conflict', ref: 'same-id-1' });
    const stored = await history(alice, room);
    expect(stored.map((m) => m.text)).toEqual(['only once']);
    socket.close();
  });
});

describe('resync', () => {
  it('a cursor ahead of the log gets resync_required, then live messages', async () => {
    const room = (await api(server.url, alice, 'POST', '/api/rooms', { title: 'ahead' })).json.room.id;
    const stream = `room:${room}`;
    const socket = await RawSocket.hello(server.wsUrl, alice.token);
    socket.send({ type: 'send', stream, clientMsgId: 'r1', text: 'one' });
    await socket.next('ack');
    socket.send({ type: 'sub', stream, after: 500 });
    const resync = await socket.next('resync_required');
    expect(resync).toEqual({ type: 'resync_required', stream, head: 1, reason: 'cursor_ahead' });
    await socket.next('subscribed', (s) => s.head === 1);
    socket.send({ type: 'send', stream, clientMsgId: 'r2', text: 'two' });
    const live = await socket.next('msg');
    expect(live.seq).toBe(2);
    socket.close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MsgFrame } from '../../shared/protocol.js';
import { register } from '../support/api.js';
import { sdkClient, until } from '../support/clients.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

let server: ServerProcess;
beforeAll(async () => {
  server = await startServerProcess();
});
afterAll(async () => {
  await server?.stop();
});

describe('two users in a room', () => {
  it('exchange messages both ways, live, with acks, presence and typing', async () => {
    const alice = await register(server.url);
    const bob = await register(server.url);
    const a = sdkClient(server.wsUrl, alice.token);
    const b = sdkClient(server.wsUrl, bob.token);
    const seenByA: MsgFrame[] = [];
    const seenByB: MsgFrame[] = [];
    a.on('message', (m) => seenByA.push(m));
    b.on('message', (m) => seenByB.push(m));
    const typingSeenByB: string[] = [];
    b.on('typing', (t) => {
      if (t.active) typingSeenByB.push(t.user.name);
    });
    let presenceOfA: string[] = [];
    a.on('presence', (p) => {
      if (p.kind === 'snapshot') presenceOfA = p.users.map((u) => u.name);
      if (p.kind === 'join') presenceOfA = [...new Set([...presenceOfA, ...p.users.map((u) => u.name)])];
    });
    for (const c of [a, b]) {
      c.subscribe('room:general');
      c.connect();
    }
    await until(() => a.cursor('room:general') !== undefined && b.cursor('room:general') !== undefined);
    await until(() => presenceOfA.includes(bob.username), 5000, 'bob in presence');

    a.typing('room:general', true);
    await until(() => typingSeenByB.includes(alice.username), 5000, 'typing from alice');

    const sent = a.send('room:general', 'hello bob');
    await until(() => seenByB.some((m) => m.text === 'hello bob'), 5000, 'bob receives');
    await until(() => sent.status === 'sent');
    b.send('room:general', 'hi alice');
    await until(() => seenByA.some((m) => m.text === 'hi alice'), 5000, 'alice receives');

    const fromA = seenByB.find((m) => m.text === 'hello bob') as MsgFrame;
    const fromB = seenByA.find((m) => m.text === 'hi alice') as MsgFrame;
    expect(fromA.from.name).toBe(alice.username);
    expect(fromA.seq).toBe(sent.seq);
    expect(fromB.seq).toBe(fromA.seq + 1);
    a.close();
    b.close();
  });
});

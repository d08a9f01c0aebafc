/** What ends a held long-poll: only state the client does not hold yet (server/transport/poll-news.ts). */
import { describe, expect, it } from 'vitest';
import { PollNews } from '../../server/transport/poll-news.js';
import type { JobFrame, ServerFrame } from '../../shared/protocol.js';

const ROOM = 'room:lobby';
const ME = 'u-me';
const user = (id: string) => ({ id, name: id.toUpperCase() });
const snapshot = (...ids: string[]): ServerFrame => ({
  type: 'presence',
  stream: ROOM,
  kind: 'snapshot',
  users: ids.map(user),
});
const job = (percent: number, updatedAt: number): JobFrame => ({
  type: 'job',
  id: 'job1',
  title: 'Export',
  status: 'running',
  percent,
  message: '',
  createdAt: 1,
  updatedAt,
});

/** One poll: subscribes `streams` holding `known`, and takes `frames` as the hub sends them. */
function poll(known: Record<string, string | undefined>, frames: ServerFrame[]) {
  const news = new PollNews(() => ME);
  for (const [stream, value] of Object.entries(known)) news.expect(stream, value);
  const taken = frames.map((f) => news.take(f));
  return {
    emitted: taken.flatMap((t) => t.emit),
    news: taken.some((t) => t.news),
    known: news.known(),
  };
}

describe('PollNews', () => {
  it('sends a first snapshot with others in it as news, and names the state for the next poll', () => {
    const first = poll({ [ROOM]: undefined }, [snapshot(ME, 'u-bob')]);
    expect(first.news).toBe(true);
    expect(first.emitted).toEqual([snapshot(ME, 'u-bob')]);
    expect(first.known[ROOM]).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('does not wake on a snapshot of the user alone, even when the client names nothing', () => {
    expect(poll({ [ROOM]: undefined }, [snapshot(ME)]).news).toBe(false);
  });

  it('drops a snapshot equal to what the client holds, in any order, and wakes on one that differs', () => {
    const known = poll({ [ROOM]: undefined }, [snapshot(ME, 'u-bob', 'u-cy')]).known[ROOM];
    const same = poll({ [ROOM]: known }, [snapshot('u-cy', ME, 'u-bob')]);
    expect(same).toMatchObject({ news: false, emitted: [] });
    expect(same.known[ROOM]).toBe(known);
    const left = poll({ [ROOM]: known }, [snapshot(ME, 'u-bob')]);
    expect(left).toMatchObject({ news: true, emitted: [snapshot(ME, 'u-bob')] });
  });

  it('folds a live join into the state it names, so the next poll’s snapshot with it is not news', () => {
    const known = poll({ [ROOM]: undefined }, [snapshot(ME)]).known[ROOM];
    const join: ServerFrame = { type: 'presence', stream: ROOM, kind: 'join', users: [user('u-dee')] };
    const woken = poll({ [ROOM]: known }, [snapshot(ME), join]);
    expect(woken).toMatchObject({ news: true, emitted: [join] });
    const after = poll({ [ROOM]: woken.known[ROOM] }, [snapshot('u-dee', ME)]);
    expect(after).toMatchObject({ news: false, emitted: [] });
  });

  it('counts the user’s jobs as their stream’s state: the same progress again is not news, new progress is', () => {
    const stream = `user:${ME}`;
    const snap: ServerFrame = { type: 'presence', stream, kind: 'snapshot', users: [user(ME)] };
    const first = poll({ [stream]: undefined }, [job(40, 10), snap]);
    expect(first.news).toBe(true);
    const known = first.known[stream];
    expect(poll({ [stream]: known }, [job(40, 10), snap])).toMatchObject({ news: false, emitted: [] });
    const moved = poll({ [stream]: known }, [job(60, 20), snap]);
    expect(moved).toMatchObject({ news: true, emitted: [job(60, 20), snap] });
  });

  it('passes messages, acks and typing straight through as news, and handshake echoes as not', () => {
    const news = new PollNews(() => ME);
    news.expect(ROOM, undefined);
    const typing: ServerFrame = { type: 'typing', stream: ROOM, user: user('u-bob'), active: true };
    const subscribed: ServerFrame = { type: 'subscribed', stream: ROOM, head: 3, readSeq: 3, unread: 0 };
    expect(news.take(subscribed)).toEqual({ emit: [subscribed], news: false });
    expect(news.take(typing)).toEqual({ emit: [typing], news: true });
    // A handshake the request never finished still goes out as it is.
    const join: ServerFrame = { type: 'presence', stream: ROOM, kind: 'join', users: [user('u-bob')] };
    expect(news.take(join)).toEqual({ emit: [], news: false });
    expect(news.unfinished()).toEqual([join]);
    expect(news.known()).toEqual({});
  });
});

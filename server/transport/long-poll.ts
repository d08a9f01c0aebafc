/**
 * The long-polling transport: the same frames as /ws, in HTTP bodies, with no state kept in the
 * process between requests. Every request carries what a reconnect would send (hello, then a
 * `sub` with the cursor for each stream), so any process can serve any poll, across restarts, and
 * a poll answer lost on the way costs nothing: the next poll's cursors ask for it again.
 *
 *   POST /api/poll       {cid, frames, hold?}  held until something is deliverable, or POLL_HOLD_MS
 *   POST /api/poll/send  {cid, frames}         answered once its sends are acked or refused
 *
 * Both answer `{frames: ServerFrame[], close?: {code, reason}}`.
 */
import { type Context, Hono } from 'hono';
import * as v from 'valibot';
import { decodeClientValue } from '../../shared/codec.js';
import { CloseCode, type CloseName } from '../../shared/codes.js';
import type { ServerFrame } from '../../shared/protocol.js';
import { type AppEnv, readJson } from '../http/env.js';
import type { Conn } from '../hub/conn.js';
import type { Hub } from '../hub/hub.js';

export const PollBody = v.object({
  /** The client's id for this tab: it keys presence and the one-poll-at-a-time rule. */
  cid: v.pipe(
    v.string('cid must be a string'),
    v.regex(/^[A-Za-z0-9_-]{8,64}$/, 'cid must be 8-64 of A-Z a-z 0-9 _ -'),
  ),
  frames: v.pipe(
    v.array(v.unknown(), 'frames must be an array'),
    v.maxLength(500, 'at most 500 frames per request'),
  ),
  /** false: answer as soon as the frames are handled (a client's first poll, or new streams). */
  hold: v.optional(v.boolean('hold must be true or false'), true),
});

/** Frames worth answering a held poll for; the handshake echoes (welcome, subscribed) are not. */
const DELIVERABLE = new Set<ServerFrame['type']>([
  'msg',
  'ack',
  'error',
  'resync_required',
  'typing',
  'read',
]);

/** Gathers what the hub sends during one request. */
export class PollConn implements Conn {
  readonly transport = 'polling' as const;
  readonly frames: ServerFrame[] = [];
  closed: { code: number; reason: string } | null = null;
  /** Called after every frame or close, so the request can decide to answer. */
  onChange: () => void = () => {};

  send(frame: ServerFrame): void {
    if (this.closed) return;
    this.frames.push(frame);
    this.onChange();
  }

  close(name: CloseName, reason: string): void {
    this.closed ??= { code: CloseCode[name].code, reason };
    this.onChange();
  }

  /** An HTTP answer is written at once: there is no queue that could grow behind a slow reader. */
  bufferedBytes(): number {
    return 0;
  }

  /** True once there is news for this client (its own presence echo is not news). */
  hasDeliverable(selfId: string | null): boolean {
    return this.frames.some(
      (f) =>
        DELIVERABLE.has(f.type) ||
        (f.type === 'presence' && f.kind !== 'snapshot' && f.users.some((u) => u.id !== selfId)),
    );
  }
}

/** Refs (streams subscribed, clientMsgIds sent) the request waits to see answered. */
function expectedRefs(frames: ServerFrame[], waiting: Set<string>): void {
  for (const f of frames) {
    if (f.type === 'subscribed' || f.type === 'resync_required') waiting.delete(`sub:${f.stream}`);
    if (f.type === 'ack') waiting.delete(`send:${f.clientMsgId}`);
    if (f.type === 'error' && f.ref) {
      waiting.delete(`send:${f.ref}`);
      waiting.delete(`sub:${f.ref}`);
    }
  }
}

export interface LongPollDeps {
  hub: Hub;
}

/** How long to let more frames join an answer once the first deliverable one is there. */
const COALESCE_MS = 15;
/** Upper bound on waiting for a request's own subs and sends to be answered. */
const SETTLE_MS = 10_000;

export function longPollRoutes(deps: LongPollDeps): Hono<AppEnv> {
  const { hub } = deps;
  /** The held poll of each (user, cid): a newer poll answers the older one at once. */
  const held = new Map<string, () => void>();

  const serve = (mode: 'wait' | 'send') =>
    async function handle(c: Context<AppEnv>) {
      const body = await readJson(c, PollBody);
      if (!body.ok) return body.response;
      const { cid, frames, hold } = body.value;
      const conn = new PollConn();
      const session = hub.connect(conn, c.get('auth'), { connId: cid });
      const waiting = new Set<string>();
      for (const raw of frames) {
        const decoded = decodeClientValue(raw);
        if (!decoded.ok) {
          session.reject(decoded.error);
          continue;
        }
        const frame = decoded.frame;
        if (frame.type === 'sub') waiting.add(`sub:${frame.stream}`);
        if (frame.type === 'send') waiting.add(`send:${frame.clientMsgId}`);
        session.receive(frame);
      }

      let release: () => void = () => {};
      const done = new Promise<void>((resolve) => {
        release = resolve;
      });
      const aborted = () => release();
      c.req.raw.signal.addEventListener('abort', aborted);
      let key: string | null = null;
      let coalescing: NodeJS.Timeout | undefined;
      const settled = () => {
        expectedRefs(conn.frames, waiting);
        return waiting.size === 0 || conn.closed !== null;
      };
      const check = () => {
        if (!settled()) return;
        // A send request also waits for frames that have no answer of their own (typing, read).
        if (mode === 'send') return void session.whenIdle().then(release);
        if (!hold || conn.closed) return release();
        if (key === null && session.userId) {
          // Settled and nothing to say yet: park, replacing any older poll of this client.
          key = `${session.userId}:${cid}`;
          held.get(key)?.();
          held.set(key, release);
        }
        if (conn.hasDeliverable(session.userId) && !coalescing) coalescing = setTimeout(release, COALESCE_MS);
      };
      conn.onChange = check;
      check();
      const limit = setTimeout(release, mode === 'wait' ? hub.config.pollHoldMs : SETTLE_MS);
      await done;

      clearTimeout(limit);
      clearTimeout(coalescing);
      c.req.raw.signal.removeEventListener('abort', aborted);
      if (key !== null && held.get(key) === release) held.delete(key);
      conn.onChange = () => {};
      const close = conn.closed;
      session.closed();
      return c.json(close ? { frames: conn.frames, close } : { frames: conn.frames });
    };

  return new Hono<AppEnv>().post('/', serve('wait')).post('/send', serve('send'));
}

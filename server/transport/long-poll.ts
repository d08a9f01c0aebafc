/**
 * The long-polling transport: the same frames as /ws, in HTTP bodies, with no state kept in the
 * process between requests. Every request carries what a reconnect would send (hello, then a
 * `sub` with the cursor for each stream), so any process can serve any poll, across restarts, and
 * a poll answer lost on the way costs nothing: the next poll's cursors ask for it again.
 *
 *   POST /api/poll       {cid, frames, hold?}  held until something is deliverable, or POLL_HOLD_MS
 *   POST /api/poll/send  {cid, frames}         answered once its frames are handled (sends acked)
 *
 * Both answer `{frames: ServerFrame[], close?: {code, reason}}`. The Transport lab's strawman,
 * naive short polling, is the first route never held (`/api/lab/short-poll`).
 */
import { type Context, Hono } from 'hono';
import * as v from 'valibot';
import { decodeClientValue } from '../../shared/codec.js';
import { CloseCode, type CloseName } from '../../shared/codes.js';
import type { ServerFrame } from '../../shared/protocol.js';
import { type AppEnv, readJson } from '../http/env.js';
import { siteCors } from '../http/site-cors.js';
import type { Conn } from '../hub/conn.js';
import type { Hub } from '../hub/hub.js';
import { userIdentity } from '../hub/identity.js';
import { randomId } from '../ids.js';
import type { Metrics, WireTransport } from '../metrics/metrics.js';
import type { SiteDirectory } from '../support/sites.js';

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

/**
 * Frames that make a poll answer at once while its own frames are being handled: what the client
 * lacks (log entries after its cursors) or asked for (acks, errors). The handshake echoes
 * (welcome, subscribed, presence and job snapshots) come with every poll and are not news.
 */
const NEWS = new Set<ServerFrame['type']>(['msg', 'event', 'ack', 'error', 'resync_required']);

/** Gathers what the hub sends during one request. */
export class PollConn implements Conn {
  readonly transport = 'polling' as const;
  readonly frames: ServerFrame[] = [];
  closed: { code: number; reason: string } | null = null;
  /** Set once there is something this client did not already know. */
  news = false;
  /** The signed-in user, once known: their own presence echo is not news. */
  selfId: string | null = null;
  /** Set once the poll is held: from then on every frame is news, but the user's own presence. */
  parked = false;
  /** Called after every frame or close, so the request can decide to answer. */
  onChange: () => void = () => {};
  readonly pollId = randomId(9);
  /** Called when a newer poll of the same tab is held somewhere: this one answers now. */
  onSuperseded: () => void = () => {};

  constructor(readonly cid: string) {}

  pollClaimed(cid: string, pollId: string): void {
    if (cid === this.cid && pollId !== this.pollId) this.onSuperseded();
  }

  send(frame: ServerFrame): void {
    if (this.closed) return;
    this.frames.push(frame);
    const self = frame.type === 'presence' && frame.users.every((u) => u.id === this.selfId);
    if (NEWS.has(frame.type) || (this.parked && !self)) this.news = true;
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
}

export interface LongPollDeps {
  hub: Hub;
  metrics: Metrics;
  sites: SiteDirectory;
}

/** How long to let more frames join an answer once the first piece of news is there. */
const COALESCE_MS = 15;
/** A drained poll's client waits a random time up to this before it polls again. */
const DRAIN_SPREAD_MS = 1000;
/** Upper bound on waiting for a request's own subs and sends to be answered. */
const SETTLE_MS = 10_000;

type Mode = 'wait' | 'send' | 'short';

export const labRunOf = (c: Context<AppEnv>): string | null => {
  const id = c.req.header('x-switchboard-lab');
  return id && /^[A-Za-z0-9_-]{8,64}$/.test(id) ? id : null;
};

export function createPollHandlers(deps: LongPollDeps) {
  const { hub, metrics } = deps;

  const serve = (mode: Mode) =>
    async function handle(c: Context<AppEnv>) {
      const body = await readJson(c, PollBody);
      if (!body.ok) return body.response;
      const { cid, frames } = body.value;
      const hold = mode === 'wait' && body.value.hold;
      const conn = new PollConn(cid);
      // A support widget's poll (`?site=`) is its visitor's, proven in hello; cookies are not used.
      const siteKey = c.req.query('site') ?? null;
      const auth = siteKey === null ? c.get('auth') : null;
      const session = hub.connect(conn, auth ? userIdentity(auth) : null, { connId: cid, siteKey });
      // Refs this request waits to see answered: streams it subscribes, messages it sends.
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
      c.req.raw.signal.addEventListener('abort', release);
      let coalescing: NodeJS.Timeout | undefined;
      let scanned = 0;
      const settled = () => {
        for (; scanned < conn.frames.length; scanned++) {
          const f = conn.frames[scanned] as ServerFrame;
          if (f.type === 'subscribed' || f.type === 'resync_required') waiting.delete(`sub:${f.stream}`);
          else if (f.type === 'ack') waiting.delete(`send:${f.clientMsgId}`);
          else if (f.type === 'error' && f.ref) {
            waiting.delete(`send:${f.ref}`);
            waiting.delete(`sub:${f.ref}`);
          }
        }
        return waiting.size === 0 || conn.closed !== null;
      };
      const check = () => {
        conn.selfId ??= session.userId;
        if (!settled()) return;
        // A send request also waits for frames that have no answer of their own (typing, read).
        if (mode === 'send') return void session.whenIdle().then(release);
        if (!hold || conn.closed) return release();
        if (!conn.parked && session.userId) {
          // Settled and nothing to say yet: park, and answer any other held poll of this tab, on
          // whichever process holds it (a tab has one poll at a time; the newest one wins).
          conn.parked = true;
          conn.onSuperseded = release;
          hub.claimPoll(session.userId, cid, conn.pollId);
        }
        if (conn.news && !coalescing) coalescing = setTimeout(release, COALESCE_MS);
      };
      conn.onChange = check;
      check();
      const limit = setTimeout(release, hold ? hub.config.pollHoldMs : SETTLE_MS);
      await done;

      clearTimeout(limit);
      clearTimeout(coalescing);
      c.req.raw.signal.removeEventListener('abort', release);
      conn.onChange = () => {};
      session.closed();
      const draining = conn.closed?.code === CloseCode.going_away.code;
      // The server drains: poll again elsewhere (a load balancer sends the next poll to another
      // process), spread over a second so that every held poll does not land at once.
      const close = draining
        ? { ...conn.closed, retryAfterMs: Math.floor(Math.random() * DRAIN_SPREAD_MS) }
        : conn.closed;

      const transport: WireTransport = mode === 'short' ? 'short_polling' : 'polling';
      const labRun = labRunOf(c);
      const now = Date.now();
      for (const f of conn.frames)
        if (f.type === 'msg') metrics.delivered(transport, now - f.ts, true, labRun);
      return c.json(close ? { frames: conn.frames, close } : { frames: conn.frames });
    };

  return { wait: serve('wait'), send: serve('send'), short: serve('short') };
}

export function longPollRoutes(
  handlers: ReturnType<typeof createPollHandlers>,
  sites: SiteDirectory,
): Hono<AppEnv> {
  return (
    new Hono<AppEnv>()
      // Polls from a support widget come from customers' pages: CORS, and allowed origins only.
      .use('*', siteCors(sites, { methods: 'POST', headers: 'content-type', optional: true }))
      .post('/', handlers.wait)
      .post('/send', handlers.send)
  );
}

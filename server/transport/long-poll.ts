/**
 * The long-polling transport: the same frames as /ws, in HTTP bodies, with no state kept in the
 * process between requests. Every request carries what a reconnect would send (hello, then a
 * `sub` with the cursor for each stream), so any process can serve any poll, across restarts, and
 * a poll answer lost on the way costs nothing: the next poll's cursors ask for it again.
 *
 *   POST /api/poll       {cid, frames, hold?}  held until something is deliverable, or POLL_HOLD_MS
 *   POST /api/poll/send  {cid, frames}         answered once its frames are handled (sends acked)
 *
 * Both answer `{frames: ServerFrame[], close?: {code, reason}, known?: {[stream]: string}}`
 * (`PollAnswer` in shared/protocol.ts). A held poll answers early only with news: what the
 * client lacks (log entries past its cursors, a presence or latest-value state other than the
 * one its `sub.known` names, live typing and reads) or asked for (acks, errors); see
 * poll-news.ts. The Transport lab's strawman, naive short polling, is the first route never held
 * (`/api/lab/short-poll`).
 */
import { type Context, Hono } from 'hono';
import { decodeClientValue } from '../../shared/codec.js';
import { CloseCode, type CloseName } from '../../shared/codes.js';
import { type PollAnswer, PollRequest, type ServerFrame } from '../../shared/protocol.js';
import { clientIp } from '../http/client-ip.js';
import { type AppEnv, apiError, readJson } from '../http/env.js';
import { siteCors } from '../http/site-cors.js';
import type { Conn } from '../hub/conn.js';
import type { ConnectionCaps } from '../hub/connection-caps.js';
import type { Hub } from '../hub/hub.js';
import { userIdentity } from '../hub/identity.js';
import { randomId } from '../ids.js';
import type { Metrics, WireTransport } from '../metrics/metrics.js';
import type { SiteDirectory } from '../support/sites.js';
import { PollNews } from './poll-news.js';

/** The request body; the schema lives with the rest of the protocol. */
export const PollBody = PollRequest;

/** Gathers what the hub sends during one request. */
export class PollConn implements Conn {
  readonly transport = 'polling' as const;
  readonly frames: ServerFrame[] = [];
  closed: { code: number; reason: string } | null = null;
  /** Set once there is something this client did not already know (see PollNews). */
  news = false;
  /** Judges each frame against what the client said it holds. */
  readonly judge: PollNews;
  /** Called after every frame or close, so the request can decide to answer. */
  onChange: () => void = () => {};
  readonly pollId = randomId(9);
  /** Called when a newer poll of the same tab is held somewhere: this one answers now. */
  onSuperseded: () => void = () => {};

  constructor(
    readonly cid: string,
    selfId: () => string | null,
  ) {
    this.judge = new PollNews(selfId);
  }

  pollClaimed(cid: string, pollId: string): void {
    if (cid === this.cid && pollId !== this.pollId) this.onSuperseded();
  }

  send(frame: ServerFrame): void {
    if (this.closed) return;
    const { emit, news } = this.judge.take(frame);
    for (const f of emit) this.frames.push(f);
    if (news) this.news = true;
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
  /** A polling tab (its `cid`) holds one connection slot while it keeps polling. */
  caps?: ConnectionCaps;
  trustProxy?: boolean;
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
      let userId: () => string | null = () => null;
      const conn = new PollConn(cid, () => userId());
      // A support widget's poll (`?site=`) is its visitor's, proven in hello; cookies are not used.
      const siteKey = c.req.query('site') ?? null;
      const auth = siteKey === null ? c.get('auth') : null;
      const slotId = `p.${cid}`;
      if (mode === 'wait' && deps.caps) {
        const ip = c.env?.incoming ? clientIp(c.env.incoming, deps.trustProxy ?? false) : null;
        const verdict = await deps.caps.take(slotId, { ip, userId: auth?.user.id }, 'poll');
        if (!verdict.ok) {
          c.header('Retry-After', String(deps.caps.retryAfterS));
          return apiError(c, 429, 'too_many_connections', verdict.message);
        }
      }
      const session = hub.connect(conn, auth ? userIdentity(auth) : null, { connId: cid, siteKey, slotId });
      userId = () => session.userId;
      // Refs this request waits to see answered: streams it subscribes, messages it sends.
      const waiting = new Set<string>();
      for (const raw of frames) {
        const decoded = decodeClientValue(raw);
        if (!decoded.ok) {
          session.reject(decoded.error);
          continue;
        }
        const frame = decoded.frame;
        if (frame.type === 'sub') {
          waiting.add(`sub:${frame.stream}`);
          conn.judge.expect(frame.stream, frame.known);
        }
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
      let parked = false;
      const settled = () => {
        // A subscription is answered once its handshake ended: the presence snapshot that follows
        // `subscribed` was judged (and sent, unless the client holds that state already).
        for (const stream of conn.judge.caughtUp) waiting.delete(`sub:${stream}`);
        for (; scanned < conn.frames.length; scanned++) {
          const f = conn.frames[scanned] as ServerFrame;
          if (f.type === 'ack') waiting.delete(`send:${f.clientMsgId}`);
          else if (f.type === 'error' && f.ref) {
            waiting.delete(`send:${f.ref}`);
            waiting.delete(`sub:${f.ref}`);
          }
        }
        return waiting.size === 0 || conn.closed !== null;
      };
      const check = () => {
        if (!settled()) return;
        // A send request also waits for frames that have no answer of their own (typing, read).
        if (mode === 'send') return void session.whenIdle().then(release);
        if (!hold || conn.closed) return release();
        if (!parked && session.userId) {
          // Settled and nothing to say yet: park, and answer any other held poll of this tab, on
          // whichever process holds it (a tab has one poll at a time; the newest one wins).
          parked = true;
          metrics.pollHeld(1);
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
      if (parked) metrics.pollHeld(-1);
      c.req.raw.signal.removeEventListener('abort', release);
      conn.onChange = () => {};
      session.closed();
      for (const f of conn.judge.unfinished()) conn.frames.push(f);
      const draining = conn.closed?.code === CloseCode.going_away.code;
      // The server drains: poll again elsewhere (a load balancer sends the next poll to another
      // process), spread over a second so that every held poll does not land at once.
      const close =
        draining && conn.closed
          ? { ...conn.closed, retryAfterMs: Math.floor(Math.random() * DRAIN_SPREAD_MS) }
          : conn.closed;

      const transport: WireTransport = mode === 'short' ? 'short_polling' : 'polling';
      const labRun = labRunOf(c);
      const now = Date.now();
      for (const f of conn.frames)
        if (f.type === 'msg') metrics.delivered(transport, now - f.ts, true, labRun);
      if (close?.code === CloseCode.too_many_connections.code && deps.caps) {
        // The account (known only at hello, from a token or visitor) is at its cap: a poll is
        // refused like one whose cookie said so up front.
        c.header('Retry-After', String(deps.caps.retryAfterS));
        return apiError(c, 429, 'too_many_connections', close.reason);
      }
      const answer: PollAnswer = { frames: conn.frames };
      if (close) answer.close = close;
      const known = conn.judge.known();
      if (Object.keys(known).length > 0) answer.known = known;
      return c.json(answer);
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

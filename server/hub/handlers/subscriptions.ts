/**
 * Subscriptions: `sub` starts (or restarts, from a new cursor) delivery of a stream on this
 * connection and `unsub` ends it; so does losing the right to the stream.
 */
import { AGENT_KINDS } from '../access.js';
import type { Identity } from '../identity.js';
import { Subscription } from '../subscription.js';
import { checkAccess, isRoom, kindOf, refuse } from './authority.js';
import type { FrameContext, FrameHandler } from './context.js';
import { joinPresence, leavePresence } from './presence.js';

export const sub: FrameHandler<'sub'> = (c, frame) =>
  c.guard(subscribe(c, frame.stream, frame.after), frame.stream);

export const unsub: FrameHandler<'unsub'> = (c, frame) => unsubscribe(c, frame.stream);

async function subscribe(c: FrameContext, stream: string, after: number | undefined): Promise<void> {
  if (!(await checkAccess(c, stream, stream)) || !c.isOpen) return;
  const { hub } = c;
  const user = c.user as Identity;
  const previous = c.subs.get(stream);
  if (previous) hub.removeSubscription(previous);
  const sub = new Subscription(stream, c, hub.storage, hub.config.replayLimit);
  c.subs.set(stream, sub);
  hub.addSubscription(sub);
  let head: number;
  try {
    head = await sub.start(after);
  } catch (err) {
    // Not left registered half-started (it would hold live frames forever); the client may retry.
    if (c.subs.get(stream) === sub) unsubscribe(c, stream, false);
    throw err;
  }
  const position = await hub.storage.readPosition(user.id, stream);
  const mentions = isRoom(stream) ? await hub.storage.mentionCount(user.id, stream, position.readSeq) : null;
  if (!sub.active || !c.isOpen) return;
  c.send({ type: 'subscribed', stream, head, ...position, ...(mentions === null ? {} : { mentions }) });
  sub.release();
  const latest = await hub.latest(user, stream);
  if (sub.active) for (const frame of latest) c.send(frame);
  if (!previous) await joinPresence(c, stream);
}

/** Stops delivering `stream` here and, unless `leave` is false, announces this connection left. */
export function unsubscribe(c: FrameContext, stream: string, leave = true): void {
  const sub = c.subs.get(stream);
  if (!sub) return;
  c.subs.delete(stream);
  c.hub.removeSubscription(sub);
  if (leave) c.guard(leavePresence(c, stream));
}

/** Membership of `stream` ended (left the room): stop delivering it on this connection. */
export function revokeStream(c: FrameContext, stream: string): void {
  c.allowed.delete(stream);
  unsubscribe(c, stream);
}

/**
 * The user is no longer an agent. Authority is the identity's role as of now: a demoted agent
 * loses the conversation, notes and queue streams at once (each is answered `forbidden`), and
 * every later claim, reply or subscription there is refused.
 */
export function loseAgentStreams(c: FrameContext): void {
  for (const stream of [...c.allowed]) if (AGENT_KINDS.has(kindOf(stream))) c.allowed.delete(stream);
  for (const stream of [...c.subs.keys()]) {
    if (!AGENT_KINDS.has(kindOf(stream))) continue;
    unsubscribe(c, stream);
    refuse(c, 'forbidden', `you are no longer an agent; ${stream} is closed to you`, stream);
  }
}

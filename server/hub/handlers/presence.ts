/**
 * Presence and typing. A socket is present until it closes (its entry is refreshed every
 * heartbeat); a polling client has no connection to close, so its entry simply expires unless
 * the next poll renews it.
 */
import { streamChannel } from '../../broker/broker.js';
import { errorText } from '../../log.js';
import type { Identity } from '../identity.js';
import { checkAccess, userRef } from './authority.js';
import type { FrameContext, FrameHandler } from './context.js';

/** Typing needs access to the stream, not a subscription on this connection (a poll sends it in its own request). */
export const typing: FrameHandler<'typing'> = (c, frame) =>
  // In order, so that a quick `false` never overtakes the `true` before it.
  c.inOrder('typing', () => announceTyping(c, frame.stream, frame.active));

async function announceTyping(c: FrameContext, stream: string, active: boolean): Promise<void> {
  if (!(await checkAccess(c, stream, stream))) return;
  const user = c.user as Identity;
  // The hub throttles it per user and stream.
  if (!c.hub.typingAllowed(user.id, stream, active)) return;
  c.hub.broker.publish(streamChannel(stream), { type: 'typing', stream, user: userRef(c), active });
}

const presenceTtlMs = (c: FrameContext): number =>
  c.polling ? c.hub.config.pollHoldMs + c.hub.config.pollPresenceGraceMs : c.hub.config.heartbeatMs * 3;

/** Called on subscribe: records this connection's presence and sends who else is there. */
export async function joinPresence(c: FrameContext, stream: string): Promise<void> {
  await renewPresence(c, stream);
  const users = await c.hub.broker.presenceList(stream);
  if (c.subs.has(stream)) c.send({ type: 'presence', stream, kind: 'snapshot', users });
}

/** Called every heartbeat: renews this connection's presence in every stream it subscribes. */
export function keepPresent(c: FrameContext): void {
  for (const stream of c.subs.keys()) {
    // A failed renewal (broker unreachable) is the broker's to report, not this client's.
    renewPresence(c, stream).catch((err) =>
      c.hub.log.debug('presence.renew_failed', { conn: c.connId, error: errorText(err) }),
    );
  }
}

/**
 * Records (or renews) this connection's presence, announcing a join when the user was not
 * present: on subscribe, and also on a heartbeat after the entry expired or the broker lost it.
 */
async function renewPresence(c: FrameContext, stream: string): Promise<void> {
  const me = userRef(c);
  if (await c.hub.broker.presenceJoin(stream, me, c.connId, presenceTtlMs(c))) {
    c.hub.broker.publish(streamChannel(stream), { type: 'presence', stream, kind: 'join', users: [me] });
  }
}

export async function leavePresence(c: FrameContext, stream: string): Promise<void> {
  const me = userRef(c);
  if (await c.hub.broker.presenceLeave(stream, me.id, c.connId)) {
    c.hub.broker.publish(streamChannel(stream), { type: 'presence', stream, kind: 'leave', users: [me] });
  }
}

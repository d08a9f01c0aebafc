/**
 * Sending: `send` commits a chat message to a stream's log and acknowledges it with its seq.
 *
 * NOTE: sends are admitted one at a time per connection (access, rate limit), so that a client's
 * messages are committed in the order it sent them; the commits themselves are not awaited
 * there, so a client may pipeline many sends into one group commit.
 */
import type { AppendResult } from '../../storage/storage.js';
import { WRITABLE_KINDS } from '../access.js';
import { messageBody } from '../frames.js';
import { resolveMentions } from '../mentions.js';
import { checkAccess, kindOf } from './authority.js';
import type { FrameContext, FrameHandler, FrameOf } from './context.js';

export const send: FrameHandler<'send'> = (c, frame) =>
  c.inOrder('send', () => admitSend(c, frame), frame.clientMsgId);

async function admitSend(c: FrameContext, frame: FrameOf<'send'>): Promise<void> {
  const ref = frame.clientMsgId;
  if (!WRITABLE_KINDS.has(kindOf(frame.stream))) {
    c.sendError('forbidden', `messages can only be sent to rooms, not ${frame.stream}`, { ref });
    return;
  }
  if (!(await checkAccess(c, frame.stream, ref))) return;
  const user = c.user;
  if (!user) return;
  if (await isMuted(c, frame.stream, user.id, ref)) return;
  if (!(await withinSendRate(c, user.id, ref))) return;
  let mentions: string[] = [];
  if (kindOf(frame.stream) === 'room') {
    const found = await resolveMentions(c.hub.storage, idOf(frame.stream), user.id, frame.text);
    if (!found.ok) {
      c.sendError(found.code, found.message, { ref });
      return;
    }
    mentions = found.mentions;
  }
  const input = { stream: frame.stream, senderId: user.id, senderName: user.name, clientMsgId: ref };
  const body = messageBody(frame.text, mentions);
  c.guard(
    c.hub
      .commit({ ...input, kind: 'msg', body, ...(mentions.length > 0 ? { mentions } : {}) }, frame.text)
      .then((result) => acknowledge(c, result, ref)),
    ref,
  );
}

/** A moderator muted the user in this room: refused with `muted`, naming the end if it has one. */
async function isMuted(c: FrameContext, stream: string, userId: string, ref: string): Promise<boolean> {
  if (kindOf(stream) !== 'room') return false;
  const until = await c.hub.mutes.mutedUntil(stream.slice('room:'.length), userId);
  if (until === undefined) return false;
  const message =
    until === null
      ? 'a moderator muted you in this room until further notice'
      : `a moderator muted you in this room until ${new Date(until).toISOString()}`;
  c.hub.refusals.note('muted', { conn: c.connId, ref });
  c.sendError(
    'muted',
    message,
    until === null ? { ref } : { ref, retryAfterMs: Math.max(0, until - Date.now()) },
  );
  return true;
}
const idOf = (stream: string): string => stream.slice(stream.indexOf(':') + 1);

/**
 * One bucket per user for everything they write into a stream: chat, Transport lab runs,
 * conversations and notes alike. NOTE: the lab once had a bucket per run, so every new run
 * (a new stream name) was a fresh burst of 1,000 stored messages.
 */
export async function withinSendRate(c: FrameContext, userId: string, ref: string): Promise<boolean> {
  const rate = await c.hub.broker.consume(`send:${userId}`, c.hub.config.sendRate);
  if (rate.ok) return true;
  c.sendError('rate_limited', `too many messages; wait ${Math.ceil(rate.retryAfterMs / 1000)} s`, {
    ref,
    retryAfterMs: rate.retryAfterMs,
  });
  return false;
}

function acknowledge(c: FrameContext, result: AppendResult, clientMsgId: string): void {
  const { entry } = result;
  if (result.status === 'conflict') {
    c.sendError(
      'idempotency_conflict',
      `clientMsgId ${clientMsgId} was already used for another message (seq ${entry.seq} in ${entry.stream}); use a new id`,
      { ref: clientMsgId },
    );
    return;
  }
  c.send({ type: 'ack', stream: entry.stream, clientMsgId, id: entry.id, seq: entry.seq, ts: entry.ts });
}

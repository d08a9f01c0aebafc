/** Read positions: `read` moves the user's position in a stream, for all their connections to see. */
import { streamChannel, userChannel } from '../../broker/broker.js';
import type { Identity } from '../identity.js';
import { checkAccess, isRoom, userRef } from './authority.js';
import type { FrameContext, FrameHandler } from './context.js';

export const read: FrameHandler<'read'> = (c, frame) => c.guard(markRead(c, frame.stream, frame.seq));

async function markRead(c: FrameContext, stream: string, seq: number): Promise<void> {
  if (!(await checkAccess(c, stream, stream))) return;
  const user = c.user as Identity;
  const { storage, broker } = c.hub;
  const readSeq = await storage.markRead(user.id, stream, seq);
  const { unread } = await storage.readPosition(user.id, stream);
  const mentions = isRoom(stream) ? { mentions: await storage.mentionCount(user.id, stream, readSeq) } : {};
  broker.publish(userChannel(user.id), { type: 'read', stream, seq: readSeq, unread, ...mentions });
  // In a conversation the other side sees it: "seen"; in a DM, the others (see hub/receipts.ts).
  if (stream.startsWith('conv:')) {
    broker.publish(streamChannel(stream), { type: 'receipt', stream, by: userRef(c), seq: readSeq });
  } else void c.hub.receipts.read(userRef(c), stream, readSeq);
}

/**
 * Support actions (`assign`, `set_status`, `note`, `list_conversations`, `page`): handed to the
 * hub's extension, customer support, which answers them through the connection.
 */
import type { SupportFrame } from '../../../shared/protocol.js';
import type { FrameContext } from './context.js';
import { withinSendRate } from './sending.js';

/** One handler for all five frames (registered under each type in dispatch.ts). */
export function support(c: FrameContext, frame: SupportFrame): void {
  c.guard(toExtension(c, frame));
}

async function toExtension(c: FrameContext, frame: SupportFrame): Promise<void> {
  const me = c.user;
  if (!me) return;
  const extension = c.hub.extension;
  if (!extension) {
    c.sendError('forbidden', `${frame.type} needs customer support, which this server does not run`);
    return;
  }
  // A note is stored like a message, so it spends the same allowance.
  if (frame.type === 'note' && !(await withinSendRate(c, me.id, frame.clientMsgId))) return;
  await extension.onFrame(me, frame, {
    send: (reply) => c.send(reply),
    error: (code, message, ref) => c.sendError(code, message, ref ? { ref } : {}),
  });
}

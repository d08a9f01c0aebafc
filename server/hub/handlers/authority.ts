/** Identity and authority: may this connection use a stream, and how a refusal is answered. */
import type { ErrorCode } from '../../../shared/codes.js';
import type { UserRef } from '../../../shared/protocol.js';
import { AGENT_KINDS } from '../access.js';
import type { FrameContext } from './context.js';

/** The kind of a stream name: `room` for `room:lobby`. */
export const kindOf = (stream: string): string => stream.slice(0, stream.indexOf(':'));

/** Rooms (and DMs, which are rooms) have mentions. */
export const isRoom = (stream: string): boolean => stream.startsWith('room:');

/**
 * Whether this connection may use `stream`, answering `ref` with the reason when not. A stream
 * found allowed is remembered until the right ends (membership, role).
 */
export async function checkAccess(c: FrameContext, stream: string, ref: string): Promise<boolean> {
  if (c.allowed.has(stream)) return true;
  const user = c.user;
  if (!user) return false;
  const access = await c.hub.access(user, stream);
  if (access === 'ok') {
    c.allowed.add(stream);
    return true;
  }
  if (access === 'forbidden' && AGENT_KINDS.has(kindOf(stream))) {
    refuse(c, 'forbidden', `only agents may use ${stream}`, ref);
    return false;
  }
  const message =
    access === 'forbidden' ? `you are not a member of ${stream}; join it first` : `${stream} does not exist`;
  c.sendError(access, message, { ref });
  return false;
}

/** An error frame for a right the connection lacks or lost, counted as a refusal. */
export function refuse(c: FrameContext, code: ErrorCode, message: string, ref: string): void {
  c.hub.refusals.note(code, { conn: c.connId, user: c.identity?.name, ref });
  c.sendError(code, message, { ref });
}

/** The user as others see them in presence, typing and receipts. */
export const userRef = (c: FrameContext): UserRef => ({
  id: c.identity?.id ?? '',
  name: c.identity?.name ?? '',
});

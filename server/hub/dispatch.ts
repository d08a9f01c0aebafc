/**
 * Every frame type an open connection takes, and its handler: the one place where a frame type
 * is registered. The table's type lists every `ClientFrame`, so a frame added to the protocol
 * without a handler here does not compile.
 *
 * @example
 * // A new frame `edit`: its schema in shared/protocol.ts, handlers/edit.ts exporting
 * // `export const edit: FrameHandler<'edit'> = (c, frame) => c.guard(...)`, and here: `edit,`.
 */
import type { ClientFrame } from '../../shared/protocol.js';
import type { FrameContext, FrameHandler, FrameType } from './handlers/context.js';
import { typing } from './handlers/presence.js';
import { read } from './handlers/read.js';
import { send } from './handlers/sending.js';
import { sub, unsub } from './handlers/subscriptions.js';
import { support } from './handlers/support.js';

const table: { readonly [T in FrameType]: FrameHandler<T> } = {
  // The handshake's hello is the session's (session.ts); on an open connection it is an error.
  hello: (c) => c.protocolError({ code: 'already_hello', message: 'hello was already received' }),
  sub,
  unsub,
  send,
  typing,
  read,
  assign: support,
  set_status: support,
  note: support,
  list_conversations: support,
  page: support,
  // Any frame proves the connection alive (the session notes when each arrives).
  ping: (c) => c.send({ type: 'pong' }),
  pong: () => {},
};

/**
 * NOTE: looked up by a decoded frame's type (a Map, never an object indexed by a string from the
 * network); the table's type pairs each handler with its own frame type, which `dispatch` keeps.
 */
export const handlers: ReadonlyMap<FrameType, FrameHandler<FrameType>> = new Map(
  Object.entries(table) as [FrameType, FrameHandler<FrameType>][],
);

/** Hands a frame on an open connection to its handler. */
export function dispatch(c: FrameContext, frame: ClientFrame): void {
  handlers.get(frame.type)?.(c, frame);
}

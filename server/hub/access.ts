/** Who may read and write which stream. Every transport and HTTP route asks here. */

/** Streams that take chat messages (`send`); the others are read-only to clients. */
export const WRITABLE_KINDS = new Set(['room', 'lab']);

import type { RoomStore } from '../storage/storage.js';
import type { Identity } from './identity.js';

export type Access = 'ok' | 'forbidden' | 'not_found';

export async function streamAccess(rooms: RoomStore, user: Identity, stream: string): Promise<Access> {
  const colon = stream.indexOf(':');
  const kind = stream.slice(0, colon);
  const id = stream.slice(colon + 1);
  switch (kind) {
    case 'room': {
      if (await rooms.isMember(id, user.id)) return 'ok';
      return (await rooms.roomById(id)) ? 'forbidden' : 'not_found';
    }
    case 'user':
      return id === user.id ? 'ok' : 'forbidden';
    case 'topic':
      // Topics are public to signed-in users: anyone may follow one; only API keys push to them.
      return 'ok';
    case 'lab':
      // A Transport lab run's private stream: `lab:<userId>.<run>`, for its owner only.
      return id.startsWith(`${user.id}.`) ? 'ok' : 'forbidden';
    default:
      return 'not_found';
  }
}

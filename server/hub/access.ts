/** Who may read and write which stream. Every transport and HTTP route asks here. */
import type { RoomStore, SupportStore } from '../storage/storage.js';
import { type Identity, isAgent } from './identity.js';

/** Streams that take chat messages (`send`); the others are read-only to clients. */
export const WRITABLE_KINDS = new Set(['room', 'lab', 'conv']);

/** Streams only agents (and admins) may use: a user who stops being an agent loses them at once. */
export const AGENT_KINDS = new Set(['conv', 'notes', 'queue']);

export type Access = 'ok' | 'forbidden' | 'not_found';

export async function streamAccess(
  store: RoomStore & SupportStore,
  who: Identity,
  stream: string,
): Promise<Access> {
  const colon = stream.indexOf(':');
  const kind = stream.slice(0, colon);
  const id = stream.slice(colon + 1);
  if (who.visitor) {
    // NOTE: a visitor reaches their own conversations and nothing else, and anything else
    // answers as if it did not exist: no hint that someone else's conversation is there.
    if (kind === 'visitor') return id === who.visitor.id ? 'ok' : 'not_found';
    if (kind !== 'conv') return 'not_found';
    const conversation = await store.conversationById(id);
    return conversation?.visitorId === who.visitor.id ? 'ok' : 'not_found';
  }
  switch (kind) {
    case 'room': {
      if (await store.isMember(id, who.id)) return 'ok';
      // A private room or a DM is, to anyone outside it, a room that does not exist.
      return (await store.roomById(id))?.kind === 'public' ? 'forbidden' : 'not_found';
    }
    case 'user':
      return id === who.id ? 'ok' : 'forbidden';
    case 'topic':
      // Topics are public to signed-in users: anyone may follow one; only API keys push to them.
      return 'ok';
    case 'lab':
      // A Transport lab run's private stream: `lab:<userId>.<run>`, for its owner only.
      return id.startsWith(`${who.id}.`) ? 'ok' : 'forbidden';
    case 'conv':
    case 'notes':
      // A signed-in user who is not an agent (any more) is refused; a visitor never learns more.
      if (!isAgent(who)) return 'forbidden';
      return (await store.conversationById(id)) ? 'ok' : 'not_found';
    case 'queue':
      return isAgent(who) && id === 'support' ? 'ok' : 'forbidden';
    default:
      return 'not_found';
  }
}

/**
 * Read receipts in direct messages ("seen"): how far each person has read, from the read positions
 * storage keeps, sent to the others as `receipt` frames, live and on every (re)subscribe.
 *
 * NOTE: a receipt goes to each other person's own channel rather than the DM's stream channel,
 * because who may see it depends on the person: someone who turned receipts off neither sends
 * theirs nor sees anyone's (as in most messengers). A DM has at most 9 people, so that is at most
 * 8 publishes per receipt. Reads come as fast as messages are seen; receipts go out at most once
 * per `throttleMs` per reader and DM, the last one at the end of the window, so the newest
 * position always arrives.
 *
 * @example
 * const receipts = createReceipts({ storage, broker, log, throttleMs: 1000 });
 * receipts.read({ id: me.id, name: me.username }, 'room:abc', 42);
 */
import type { ReceiptFrame, ServerFrame, UserRef } from '../../shared/protocol.js';
import { type Broker, userChannel } from '../broker/broker.js';
import { errorText, type Logger } from '../log.js';
import type { DmMember, Storage } from '../storage/storage.js';
import type { Identity } from './identity.js';

export interface Receipts {
  /**
   * `by` read `stream` up to `seq`: in a DM, the others who see receipts hear of it (throttled).
   * Never rejects; resolves once the receipt went out, or was put off to the end of the window.
   */
  read(by: UserRef, stream: string, seq: number): Promise<void>;
  /** "Seen" as of now, for a connection of `who` that just subscribed to `stream` (none outside DMs). */
  snapshot(who: Identity, stream: string): Promise<ServerFrame[]>;
  /** Sends the user every DM's receipts as of now (they just turned receipts on). */
  resend(userId: string): Promise<void>;
  /** Resolves once every receipt on its way out now has gone (a trailing one, once its window ended). */
  settled(): Promise<void>;
}

export interface ReceiptsDeps {
  storage: Storage;
  broker: Broker;
  log: Logger;
  throttleMs: number;
}

/** Beyond this many remembered entries, the stale ones are dropped. */
const MAX_ENTRIES = 10_000;

interface Pending {
  sentAt: number;
  by: UserRef;
  seq: number;
  timer: NodeJS.Timeout | undefined;
}

const roomIdOf = (stream: string): string | null => (stream.startsWith('room:') ? stream.slice(5) : null);

export function createReceipts({ storage, broker, log, throttleMs }: ReceiptsDeps): Receipts {
  // A room's kind never changes to or from `dm`, so the answer can be kept.
  const dmRooms = new Map<string, boolean>();
  const pending = new Map<string, Pending>();

  const isDm = async (roomId: string): Promise<boolean> => {
    const known = dmRooms.get(roomId);
    if (known !== undefined) return known;
    const room = await storage.roomById(roomId);
    if (!room) return false;
    if (dmRooms.size >= MAX_ENTRIES) dmRooms.clear();
    dmRooms.set(roomId, room.kind === 'dm');
    return room.kind === 'dm';
  };

  /** Receipts of the others in a DM as `viewer` may see them: none if either side turned them off. */
  const framesFor = async (
    viewerId: string,
    stream: string,
    members: DmMember[],
  ): Promise<ReceiptFrame[]> => {
    if (!members.find((m) => m.id === viewerId)?.readReceipts) return [];
    const visible = new Map(members.filter((m) => m.id !== viewerId && m.readReceipts).map((m) => [m.id, m]));
    if (visible.size === 0) return [];
    const frames: ReceiptFrame[] = [];
    for (const { userId, seq } of await storage.readPositions(stream)) {
      const member = visible.get(userId);
      if (member && seq > 0)
        frames.push({ type: 'receipt', stream, by: { id: member.id, name: member.username }, seq });
    }
    return frames;
  };

  const send = async (by: UserRef, stream: string, seq: number): Promise<void> => {
    const roomId = roomIdOf(stream) as string;
    const members = (await storage.dmMembers([roomId])).get(roomId) ?? [];
    if (!members.find((m) => m.id === by.id)?.readReceipts) return;
    const frame: ReceiptFrame = { type: 'receipt', stream, by, seq };
    for (const member of members) {
      if (member.id !== by.id && member.readReceipts) broker.publish(userChannel(member.id), frame);
    }
  };

  const inFlight = new Set<Promise<void>>();
  const sendLogged = (by: UserRef, stream: string, seq: number): Promise<void> => {
    const sending = send(by, stream, seq)
      .catch((err) => log.error('receipt.failed', { stream, error: errorText(err) }))
      .finally(() => inFlight.delete(sending));
    inFlight.add(sending);
    return sending;
  };

  const prune = (now: number) => {
    if (pending.size < MAX_ENTRIES) return;
    for (const [key, entry] of pending) {
      if (!entry.timer && now - entry.sentAt >= throttleMs) pending.delete(key);
    }
  };

  const throttled = async (by: UserRef, stream: string, seq: number): Promise<void> => {
    const key = `${by.id} ${stream}`;
    const now = Date.now();
    const entry = pending.get(key);
    if (!entry) {
      prune(now);
      pending.set(key, { sentAt: now, by, seq, timer: undefined });
      return sendLogged(by, stream, seq);
    }
    entry.by = by;
    entry.seq = Math.max(entry.seq, seq);
    if (entry.timer) return;
    const wait = throttleMs - (now - entry.sentAt);
    if (wait <= 0) {
      entry.sentAt = now;
      return sendLogged(by, stream, entry.seq);
    }
    // The trailing receipt carries the newest position read during the window.
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      entry.sentAt = Date.now();
      void sendLogged(entry.by, stream, entry.seq);
    }, wait);
    entry.timer.unref();
  };

  return {
    async read(by, stream, seq) {
      const roomId = roomIdOf(stream);
      if (roomId === null) return;
      try {
        if (await isDm(roomId)) await throttled(by, stream, seq);
      } catch (err) {
        log.error('receipt.failed', { stream, error: errorText(err) });
      }
    },
    async snapshot(who, stream) {
      const roomId = roomIdOf(stream);
      if (who.visitor || roomId === null || !(await isDm(roomId))) return [];
      return framesFor(who.id, stream, (await storage.dmMembers([roomId])).get(roomId) ?? []);
    },
    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    async resend(userId) {
      const dms = (await storage.listRooms(userId))
        .filter((r) => r.kind === 'dm' && r.joined)
        .map((r) => r.id);
      const members = await storage.dmMembers(dms);
      for (const [roomId, people] of members) {
        for (const frame of await framesFor(userId, `room:${roomId}`, people)) {
          broker.publish(userChannel(userId), frame);
        }
      }
    },
  };
}

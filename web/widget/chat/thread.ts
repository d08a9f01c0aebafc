/**
 * A conversation as the widget shows it: history pages, live messages and the visitor's own sends
 * merged into one ordered list, and where "Seen" goes. Pure functions, tested without a browser.
 */
import type { MsgFrame } from '../../../shared/protocol.js';

export type ItemStatus = 'pending' | 'sent' | 'failed';

/** One message on screen. */
export interface Item {
  /**
   * The visitor's own: `m:<clientMsgId>`, the same for the pending send, its ack and its echo, so
   * they are one item. Anyone else's: `s:<server id>`.
   */
  key: string;
  /** 0 until the server stored it. */
  seq: number;
  text: string;
  mine: boolean;
  name: string;
  ts: number;
  status: ItemStatus;
  error?: string;
  /** A failed first message that the server may have stored anyway (no answer, or a 5xx). */
  uncertain?: boolean;
}

/** Visitors' identities are `v.<visitor id>`; in a conversation the only visitor is this one. */
export const isVisitor = (id: string): boolean => id.startsWith('v.');

export const ownKey = (clientMsgId: string): string => `m:${clientMsgId}`;

export function fromFrame(frame: MsgFrame): Item {
  const mine = isVisitor(frame.from.id);
  return {
    key: mine ? ownKey(frame.clientMsgId) : `s:${frame.id}`,
    seq: frame.seq,
    text: frame.text,
    mine,
    name: frame.from.name,
    ts: frame.ts,
    status: 'sent',
  };
}

/**
 * Adds or updates items: one per key and one per seq, stored ones in seq order, then the ones not
 * stored yet (pending or failed) in the order they were written.
 */
export function merge(items: readonly Item[], incoming: readonly Item[]): Item[] {
  const byKey = new Map(items.map((item) => [item.key, item]));
  for (const item of incoming) {
    const old = byKey.get(item.key);
    // A stored message never goes back to pending (a late outbox event after the echo).
    if (old && old.seq > 0 && item.seq === 0) continue;
    byKey.set(item.key, old ? { ...old, ...item } : item);
  }
  const seqs = new Set<number>();
  const out: Item[] = [];
  for (const item of byKey.values()) {
    if (item.seq > 0) {
      if (seqs.has(item.seq)) continue;
      seqs.add(item.seq);
    }
    out.push(item);
  }
  const order = (item: Item) => (item.seq > 0 ? item.seq : Number.MAX_SAFE_INTEGER);
  return out.sort((a, b) => order(a) - order(b));
}

/** The highest stored seq shown, or 0. */
export const lastSeq = (items: readonly Item[]): number =>
  items.reduce((max, item) => Math.max(max, item.seq), 0);

/** The newest agent message's seq, or 0: what reading the conversation marks read. */
export const lastAgentSeq = (items: readonly Item[]): number =>
  items.reduce((max, item) => (item.mine ? max : Math.max(max, item.seq)), 0);

/** The key of the visitor's last stored message if an agent has read up to it: it gets "Seen". */
export function seenKey(items: readonly Item[], seenSeq: number): string | null {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as Item;
    if (item.mine && item.seq > 0) return item.seq <= seenSeq ? item.key : null;
  }
  return null;
}

/** Same rule as the server's email check, so the form says so before sending. */
export const EMAIL = /^[^\s@]+@[^\s@]+$/;

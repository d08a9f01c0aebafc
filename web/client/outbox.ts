/**
 * Sends the server has not acknowledged yet. An entry keeps its clientMsgId for life, so a resend
 * after a reconnect can never store a second copy: the server answers a repeat with the first ack.
 */
import { codePoints, Limits } from '../../shared/limits.js';

export type OutboxStatus = 'pending' | 'sent' | 'failed';

export interface OutboxEntry {
  clientMsgId: string;
  stream: string;
  text: string;
  status: OutboxStatus;
  createdAt: number;
  /** Set once acknowledged. */
  seq?: number;
  id?: string;
  /** Why it failed, in words, when it did. */
  error?: string;
}

export function newClientMsgId(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) out += 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[b & 63];
  return out;
}

/** Checks a message the way the server will, so an impossible send fails at once, in words. */
export function checkText(text: string): string | null {
  if (text.trim().length === 0) return 'the message is empty';
  const n = codePoints(text);
  return n > Limits.messageChars
    ? `the message is ${n} characters; the limit is ${Limits.messageChars}`
    : null;
}

export class Outbox {
  private readonly entries = new Map<string, OutboxEntry>();

  add(stream: string, text: string, clientMsgId = newClientMsgId()): OutboxEntry {
    const problem = checkText(text);
    const entry: OutboxEntry = {
      clientMsgId,
      stream,
      text,
      status: problem ? 'failed' : 'pending',
      createdAt: Date.now(),
    };
    if (problem) entry.error = problem;
    else this.entries.set(clientMsgId, entry);
    return entry;
  }

  get(clientMsgId: string): OutboxEntry | undefined {
    return this.entries.get(clientMsgId);
  }

  /** Pending entries in the order they were sent. */
  pending(): OutboxEntry[] {
    return [...this.entries.values()].filter((e) => e.status === 'pending');
  }

  acked(clientMsgId: string, seq: number, id: string): OutboxEntry | undefined {
    const entry = this.entries.get(clientMsgId);
    if (!entry) return undefined;
    this.entries.delete(clientMsgId);
    entry.status = 'sent';
    entry.seq = seq;
    entry.id = id;
    return entry;
  }

  failed(clientMsgId: string, error: string): OutboxEntry | undefined {
    const entry = this.entries.get(clientMsgId);
    if (!entry) return undefined;
    this.entries.delete(clientMsgId);
    entry.status = 'failed';
    entry.error = error;
    return entry;
  }

  get size(): number {
    return this.entries.size;
  }
}

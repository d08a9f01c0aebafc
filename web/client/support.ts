/**
 * The agent console's frames, built on the client's public API (`sendFrame` and its events):
 * assign a conversation, set its status, write a private note, list conversations. Works over
 * WebSocket and long-polling alike.
 *
 * A note is confirmed when it comes back on the conversation's notes stream (the server's ack
 * for it names no outbox entry of the client), so subscribe to `notes:<id>` before writing one;
 * pending notes are sent again, with the same clientMsgId, after every reconnect.
 *
 * @example
 * const desk = createSupportClient(client);
 * client.subscribe(`notes:${id}`);
 * desk.assign(`conv:${id}`, me.id); // claim: false when offline (nothing is queued)
 * const note = desk.note(`conv:${id}`, 'VIP customer');
 * desk.on('note', (entry) => console.log(entry.status)); // pending -> sent (with seq) or failed
 */
import { ErrorCode, isErrorCode } from '../../shared/codes.js';
import type { ConversationView } from '../../shared/protocol.js';
import type { SwitchboardClient } from './client.js';
import { Emitter } from './emitter.js';
import { checkText, newClientMsgId, type OutboxEntry } from './outbox.js';

export type ConversationStatus = ConversationView['status'];

/** `conv:<id>` to `notes:<id>`. */
export const notesStreamOf = (convStream: string): string => `notes:${convStream.slice('conv:'.length)}`;

export type SupportEvents = {
  /** A note changed status; `stream` is its conversation (`conv:<id>`). */
  note: (entry: OutboxEntry) => void;
};

export class SupportClient extends Emitter<SupportEvents> {
  /** Notes not yet seen on their stream, by clientMsgId. */
  private readonly pending = new Map<string, OutboxEntry>();
  private readonly offs: (() => void)[];

  constructor(private readonly client: SwitchboardClient) {
    super();
    this.offs = [
      client.on('welcome', () => {
        for (const entry of this.pending.values()) this.write(entry);
      }),
      client.on('message', (msg) => {
        const entry = this.pending.get(msg.clientMsgId);
        if (!entry || notesStreamOf(entry.stream) !== msg.stream) return;
        this.pending.delete(entry.clientMsgId);
        entry.status = 'sent';
        entry.seq = msg.seq;
        entry.id = msg.id;
        this.emit('note', entry);
      }),
      client.on('error', (frame) => {
        const entry = frame.ref ? this.pending.get(frame.ref) : undefined;
        if (!entry) return;
        if (isErrorCode(frame.code) && ErrorCode[frame.code].recovery === 'retry') {
          setTimeout(() => {
            if (this.pending.has(entry.clientMsgId)) this.write(entry);
          }, frame.retryAfterMs ?? 1000);
          return;
        }
        this.pending.delete(entry.clientMsgId);
        entry.status = 'failed';
        entry.error = frame.message;
        this.emit('note', entry);
      }),
    ];
  }

  /** Assigns a conversation (`conv:<id>`) to an agent, yourself to claim it, or null to unassign. */
  assign(stream: string, to: string | null): boolean {
    return this.client.sendFrame({ type: 'assign', stream, to });
  }

  setStatus(stream: string, status: ConversationStatus): boolean {
    return this.client.sendFrame({ type: 'set_status', stream, status });
  }

  /** A private note on a conversation (`conv:<id>`): agents see it, the visitor never does. */
  note(stream: string, text: string): OutboxEntry {
    const problem = checkText(text);
    const entry: OutboxEntry = {
      clientMsgId: newClientMsgId(),
      stream,
      text,
      status: problem ? 'failed' : 'pending',
      createdAt: Date.now(),
    };
    if (problem) {
      entry.error = problem;
    } else {
      this.pending.set(entry.clientMsgId, entry);
      this.write(entry);
    }
    this.emit('note', entry);
    return entry;
  }

  /** The conversations (of one status), as the server lists them now; rejects when offline. */
  listConversations(status?: ConversationStatus, timeoutMs = 10_000): Promise<ConversationView[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error('the server did not answer in time'));
      }, timeoutMs);
      const off = this.client.on('conversations', (frame) => {
        clearTimeout(timer);
        off();
        resolve(frame.items);
      });
      if (
        !this.client.sendFrame(
          status ? { type: 'list_conversations', status } : { type: 'list_conversations' },
        )
      ) {
        clearTimeout(timer);
        off();
        reject(new Error('not connected'));
      }
    });
  }

  dispose(): void {
    for (const off of this.offs) off();
    this.pending.clear();
  }

  private write(entry: OutboxEntry): void {
    this.client.sendFrame({
      type: 'note',
      stream: entry.stream,
      clientMsgId: entry.clientMsgId,
      text: entry.text,
    });
  }
}

export const createSupportClient = (client: SwitchboardClient): SupportClient => new SupportClient(client);

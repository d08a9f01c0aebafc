/**
 * One stream's log as a chat: history pages from the HTTP API, live messages and pushed events
 * from the socket (one copy per seq), and this tab's own sends from pending to sent or failed.
 * A room is one (chat/models/chat.ts); so are a support conversation and its private notes
 * (support/models/conversation.ts).
 */
import { batch, computed, type ReadonlySignal, signal } from '@preact/signals';
import type { MessagesPage } from '../../../../shared/api.js';
import type { LogFrame } from '../../../../shared/protocol.js';
import type { OutboxEntry, OutboxStatus } from '../../../client/index.js';
import type { ApiResult } from '../api.js';
import { mergeBySeq } from './history.js';
import type { LoadStatus } from './load.js';
import type { TypingSender } from './typing.js';

/** Messages per history page. */
export const PAGE_SIZE = 50;

export interface LocalSend {
  clientMsgId: string;
  text: string;
  status: OutboxStatus;
  createdAt: number;
  seq?: number;
  error?: string;
}

/** A page of a stream's history, ascending; `before` is exclusive. */
export type FetchPage = (options: { before?: number; limit: number }) => Promise<ApiResult<MessagesPage>>;

export interface StreamChat {
  readonly stream: string;
  /**
   * Ascending by seq, one per seq: chat messages and events pushed into the room (push API), which
   * share the room's log, its cursors and its read position.
   */
  readonly messages: ReadonlySignal<LogFrame[]>;
  /** Older messages exist before the first one held. */
  readonly hasMore: ReadonlySignal<boolean>;
  readonly status: ReadonlySignal<LoadStatus>;
  readonly olderStatus: ReadonlySignal<LoadStatus>;
  /** Why the last page failed to load, in the server's words. */
  readonly error: ReadonlySignal<string | null>;
  /** This tab's sends, in the order they were made. */
  readonly local: ReadonlySignal<LocalSend[]>;
  readonly lastSeq: ReadonlySignal<number>;
  readonly typing: TypingSender;
  /** Loads (or reloads) the newest page and merges it with what is held. */
  loadNewest(): Promise<void>;
  loadOlder(): Promise<void>;
  send(text: string): void;
  /** Sends a failed message again, as a new message. */
  retry(clientMsgId: string): void;
}

/** What the owner of a chat feeds it from the client's events. */
export interface StreamChatInternals extends StreamChat {
  receive(entry: LogFrame): void;
  outbox(entry: OutboxEntry): void;
  /** The stream's subscription caught up to `head`: fetch anything between the page and it. */
  caughtUp(head: number): void;
}

const snapshot = (entry: OutboxEntry): LocalSend => ({
  clientMsgId: entry.clientMsgId,
  text: entry.text,
  status: entry.status,
  createdAt: entry.createdAt,
  ...(entry.seq === undefined ? {} : { seq: entry.seq }),
  ...(entry.error === undefined ? {} : { error: entry.error }),
});

export interface StreamChatOptions {
  stream: string;
  fetchPage: FetchPage;
  network: () => string;
  /** Queues one message (the client's outbox, or another like it); its updates go to `outbox`. */
  submit: (text: string) => OutboxEntry;
  typing: TypingSender;
}

export function createStreamChat({
  stream,
  fetchPage,
  network,
  submit,
  typing,
}: StreamChatOptions): StreamChatInternals {
  const messages = signal<LogFrame[]>([]);
  const hasMore = signal(false);
  const status = signal<LoadStatus>('idle');
  const olderStatus = signal<LoadStatus>('idle');
  const error = signal<string | null>(null);
  const local = signal<LocalSend[]>([]);
  let newestInFlight: Promise<void> | null = null;

  const upsert = (entry: OutboxEntry) => {
    const next = snapshot(entry);
    const list = local.peek();
    const at = list.findIndex((l) => l.clientMsgId === entry.clientMsgId);
    local.value = at === -1 ? [...list, next] : list.map((l, i) => (i === at ? next : l));
  };

  async function fetchNewest(): Promise<void> {
    if (messages.peek().length === 0) status.value = 'loading';
    const result = await fetchPage({ limit: PAGE_SIZE });
    if (!result.ok) {
      batch(() => {
        error.value = result.message || network();
        if (status.peek() !== 'ready') status.value = 'error';
      });
      return;
    }
    const page = result.value.messages;
    const held = messages.peek();
    const newestHeld = held.at(-1)?.seq ?? 0;
    const oldestHeld = held[0]?.seq ?? Number.POSITIVE_INFINITY;
    const first = page[0]?.seq;
    const last = page.at(-1)?.seq ?? 0;
    batch(() => {
      if (first !== undefined && held.length > 0 && first > newestHeld + 1) {
        // A hole between what is held and the newest page (resync after a long absence): keep
        // only the page and anything newer; scrolling back fetches the rest again.
        messages.value = mergeBySeq(
          page,
          held.filter((m) => m.seq > last),
        );
        hasMore.value = result.value.hasMore;
      } else {
        messages.value = mergeBySeq(held, page);
        if (first === undefined ? held.length === 0 : first <= oldestHeld)
          hasMore.value = result.value.hasMore;
      }
      error.value = null;
      status.value = 'ready';
    });
  }

  const loadNewest = () => {
    // One request at a time; a resync during a load is answered by that load.
    newestInFlight ??= fetchNewest().finally(() => {
      newestInFlight = null;
    });
    return newestInFlight;
  };
  const lastSeq = computed(() => messages.value.at(-1)?.seq ?? 0);

  return {
    stream,
    messages,
    hasMore,
    status,
    olderStatus,
    error,
    local,
    lastSeq,
    typing,
    loadNewest,
    async loadOlder() {
      if (olderStatus.peek() === 'loading' || !hasMore.peek()) return;
      const oldest = messages.peek()[0];
      if (!oldest) return;
      olderStatus.value = 'loading';
      const result = await fetchPage({ before: oldest.seq, limit: PAGE_SIZE });
      batch(() => {
        if (!result.ok) {
          error.value = result.message || network();
          olderStatus.value = 'error';
          return;
        }
        messages.value = mergeBySeq(result.value.messages, messages.peek());
        hasMore.value = result.value.hasMore;
        error.value = null;
        olderStatus.value = 'idle';
      });
    },
    send(text) {
      typing.stop();
      upsert(submit(text));
    },
    retry(clientMsgId) {
      const failed = local.peek().find((l) => l.clientMsgId === clientMsgId && l.status === 'failed');
      if (!failed) return;
      local.value = local.peek().filter((l) => l !== failed);
      upsert(submit(failed.text));
    },
    receive(entry) {
      // A chat never opened holds nothing (its first page will); once opened, even mid-load,
      // live entries join the list and the page merges around them.
      if (status.peek() === 'idle') return;
      messages.value = mergeBySeq(messages.peek(), [entry]);
    },
    outbox: upsert,
    caughtUp(head) {
      // The first subscription starts "live from now"; anything committed between the first
      // page and that moment is fetched here, so the list has no hole.
      if (status.peek() === 'idle' || head <= lastSeq.peek()) return;
      // A page already in flight may have been read before `head`: check again once it lands.
      void loadNewest().then(() => {
        if (head > lastSeq.peek()) void loadNewest();
      });
    },
  };
}

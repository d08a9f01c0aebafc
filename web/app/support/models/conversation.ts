/**
 * One support conversation open in the agent console: the messages with the visitor
 * (`conv:<id>`), the agents' private notes (`notes:<id>`), the visitor's context (pages, browser,
 * time zone, attributes), and what the agent is writing. Created once per conversation and kept
 * for the session, so switching between conversations keeps each one's drafts.
 */
import { batch, type ReadonlySignal, type Signal, signal } from '@preact/signals';
import type { VisitorContext } from '../../../../shared/api.js';
import type { ConversationView } from '../../../../shared/protocol.js';
import type { SwitchboardClient } from '../../../client/index.js';
import type { SupportClient } from '../../../client/support.js';
import type { Api } from '../../common/api.js';
import type { LoadStatus } from '../../common/models/load.js';
import {
  createStreamChat,
  type StreamChat,
  type StreamChatInternals,
} from '../../common/models/stream-chat.js';
import { createTypingSender, type TypingSender } from '../../common/models/typing.js';

export const convStream = (id: string): string => `conv:${id}`;
export const notesStream = (id: string): string => `notes:${id}`;

/** A message's author is the visitor when their id is a visitor's (`v.<id>`). */
export const isVisitorId = (id: string): boolean => id.startsWith('v.');

export type ComposerMode = 'reply' | 'note';

export interface PageVisit {
  url: string;
  title: string;
  at: number;
}

export interface Conversation {
  readonly id: string;
  readonly stream: string;
  readonly notesStream: string;
  /** The messages between the visitor and the agents. */
  readonly chat: StreamChat;
  /** Private notes: agents only, never sent to the visitor. */
  readonly notes: StreamChat;
  readonly context: ReadonlySignal<VisitorContext | null>;
  readonly contextStatus: ReadonlySignal<LoadStatus>;
  readonly contextError: ReadonlySignal<string | null>;
  /** What the agent is writing to the visitor, and as a note; kept while switching away. */
  readonly draft: Signal<string>;
  readonly noteDraft: Signal<string>;
  readonly mode: Signal<ComposerMode>;
  /** A refused action (claim, assign, status), in the server's words. */
  readonly actionError: Signal<string | null>;
  loadContext(): Promise<void>;
}

export interface ConversationInternals extends Conversation {
  readonly chatInternals: StreamChatInternals;
  readonly notesInternals: StreamChatInternals;
  /** The visitor opened a page (a live `visitor.page` event in the queue). */
  pageViewed(visitorId: string, page: PageVisit): void;
  dispose(): void;
}

const noTyping: TypingSender = { input() {}, stop() {} };

export function createConversation(deps: {
  id: string;
  api: Api;
  client: SwitchboardClient;
  support: SupportClient;
  network: () => string;
  /** The conversation's view from the server's answer, for the queue. */
  onView(view: ConversationView): void;
}): ConversationInternals {
  const { id, api, client, support, network } = deps;
  const stream = convStream(id);
  const chatInternals = createStreamChat({
    stream,
    fetchPage: (options) => api.conversationMessages(id, options),
    network,
    submit: (text) => client.send(stream, text),
    typing: createTypingSender(client, stream),
  });
  const notesInternals = createStreamChat({
    stream: notesStream(id),
    fetchPage: (options) => api.conversationNotes(id, options),
    network,
    submit: (text) => support.note(stream, text),
    // Notes are between agents: the visitor must not even see that someone is typing one.
    typing: noTyping,
  });
  const context = signal<VisitorContext | null>(null);
  const contextStatus = signal<LoadStatus>('idle');
  const contextError = signal<string | null>(null);
  let contextInFlight: Promise<void> | null = null;

  async function fetchContext(): Promise<void> {
    if (contextStatus.peek() !== 'ready') contextStatus.value = 'loading';
    const result = await api.conversation(id);
    batch(() => {
      if (!result.ok) {
        contextError.value = result.message || network();
        if (contextStatus.peek() !== 'ready') contextStatus.value = 'error';
        return;
      }
      context.value = result.value.visitor;
      contextError.value = null;
      contextStatus.value = 'ready';
    });
    if (result.ok) deps.onView(result.value.conversation);
  }

  return {
    id,
    stream,
    notesStream: notesStream(id),
    chat: chatInternals,
    notes: notesInternals,
    chatInternals,
    notesInternals,
    context,
    contextStatus,
    contextError,
    draft: signal(''),
    noteDraft: signal(''),
    mode: signal<ComposerMode>('reply'),
    actionError: signal<string | null>(null),
    loadContext() {
      contextInFlight ??= fetchContext().finally(() => {
        contextInFlight = null;
      });
      return contextInFlight;
    },
    pageViewed(visitorId, page) {
      const current = context.peek();
      if (!current || current.id !== visitorId) return;
      context.value = { ...current, pages: [page, ...current.pages].slice(0, 50) };
    },
    dispose() {
      chatInternals.typing.stop();
    },
  };
}

/**
 * The rooms' chats: one stream chat (common/models/stream-chat.ts) per room the user opens, fed
 * from the client's events, kept for the session so coming back to a room shows it at once.
 */
import type { SwitchboardClient } from '../../../client/index.js';
import type { Api } from '../../common/api.js';
import {
  createStreamChat,
  type StreamChat,
  type StreamChatInternals,
} from '../../common/models/stream-chat.js';
import { createTypingSender } from '../../common/models/typing.js';
import { roomStream } from './rooms.js';

export interface RoomChat extends StreamChat {
  readonly roomId: string;
}

type ChatInternals = RoomChat & StreamChatInternals;

function createRoomChat(
  roomId: string,
  api: Api,
  client: SwitchboardClient,
  network: () => string,
): ChatInternals {
  const stream = roomStream(roomId);
  const chat = createStreamChat({
    stream,
    fetchPage: (options) => api.messages(roomId, options),
    network,
    submit: (text) => client.send(stream, text),
    typing: createTypingSender(client, stream),
  });
  return Object.assign(chat, { roomId });
}

export interface Chats {
  /** The chat of a room, created and loaded the first time it is asked for. */
  open(roomId: string): RoomChat;
  get(stream: string): RoomChat | undefined;
  dispose(): void;
}

export function createChats(deps: {
  api: Api;
  client: SwitchboardClient;
  networkError: () => string;
}): Chats {
  const { api, client } = deps;
  const chats = new Map<string, ChatInternals>();
  const offs = [
    client.on('message', (msg) => chats.get(msg.stream)?.receive(msg)),
    client.on('event', (event) => chats.get(event.stream)?.receive(event)),
    client.on('outbox', (entry) => chats.get(entry.stream)?.outbox(entry)),
    client.on('resync', (frame) => {
      const chat = chats.get(frame.stream);
      if (chat && chat.status.peek() !== 'idle') void chat.loadNewest();
    }),
    client.on('subscribed', (info) => chats.get(info.stream)?.caughtUp(info.head)),
  ];
  return {
    open(roomId) {
      const stream = roomStream(roomId);
      let chat = chats.get(stream);
      if (!chat) {
        chat = createRoomChat(roomId, api, client, deps.networkError);
        chats.set(stream, chat);
      }
      if (chat.status.peek() === 'idle' || chat.status.peek() === 'error') void chat.loadNewest();
      return chat;
    },
    get: (stream) => chats.get(stream),
    dispose() {
      for (const off of offs) off();
      for (const chat of chats.values()) chat.typing.stop();
    },
  };
}

export type { BackoffOptions } from './backoff.js';
export {
  type ClientEvents,
  type ClientOptions,
  type ConnectionState,
  createClient,
  type Fallback,
  type FallbackCode,
  type ReadInfo,
  type SubscribedInfo,
  SwitchboardClient,
  type TypingInfo,
} from './client.js';
export { checkText, newClientMsgId, type OutboxEntry, type OutboxStatus } from './outbox.js';
export type {
  ClientTransport,
  TransportFactory,
  TransportName,
  WebSocketConstructor,
  WebSocketLike,
} from './transport.js';

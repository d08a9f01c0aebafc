/**
 * The wire contract: every frame in both directions, as valibot schemas. Types are inferred from
 * the schemas and never written twice. Both transports (WebSocket text frames and long-poll JSON
 * bodies) carry exactly these frames.
 *
 * @example
 * const result = decodeClientFrame('{"type":"send","stream":"room:lobby","clientMsgId":"a1","text":"hi"}');
 * if (result.ok) hub.dispatch(result.frame);
 */
import * as v from 'valibot';
import { codePoints, Limits } from './limits.js';

export const PROTOCOL_VERSION = 1;

/** Stream names are `<kind>:<id>`; the kind says who may read and write it. */
export const STREAM_PATTERN = /^(room|user|topic|visitor|conv|notes|queue|job|lab):[A-Za-z0-9_.-]{1,64}$/;

const Stream = v.pipe(
  v.string('stream must be a string'),
  v.regex(STREAM_PATTERN, 'stream must look like "room:<id>" (letters, digits, _ . -; at most 64)'),
);
const Seq = v.pipe(
  v.number('seq must be a number'),
  v.integer('seq must be a whole number'),
  v.minValue(0, 'seq cannot be negative'),
);
const ClientMsgId = v.pipe(
  v.string('clientMsgId must be a string'),
  v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'clientMsgId must be 1-64 letters, digits, _ or -'),
);
const MessageText = v.pipe(
  v.string('text must be a string'),
  v.check((s) => s.trim().length > 0, 'text is empty'),
  v.check(
    (s) => codePoints(s) <= Limits.messageChars,
    (issue) => `text is ${codePoints(String(issue.input))} characters; the limit is ${Limits.messageChars}`,
  ),
);

// ---- client -> server ----------------------------------------------------------------------

export const HelloFrame = v.object({
  type: v.literal('hello'),
  v: v.number('v (protocol version) must be a number'),
  /** A session token, for clients without the session cookie (bots, the Node SDK). */
  token: v.optional(v.pipe(v.string(), v.maxLength(200))),
  /** A support widget visitor's token (the widget keeps it in the host page's localStorage). */
  visitor: v.optional(v.pipe(v.string(), v.maxLength(200))),
  /** Skip the `welcome` answer: a long-poll continuing a session the client already has. */
  quiet: v.optional(v.boolean('quiet must be true or false')),
});
export const SubFrame = v.object({
  type: v.literal('sub'),
  stream: Stream,
  /** The last seq the client holds; omitted when it holds nothing yet (live from now). */
  after: v.optional(Seq),
  /**
   * Long-polling only (WebSocket ignores it): the stream's entry in the last poll answer's
   * `known`, naming the presence and latest-value state the client holds. A poll whose snapshot
   * of that state is the same is not woken by it, and the snapshot is not sent again.
   */
  known: v.optional(
    v.pipe(v.string('known must be a string'), v.maxLength(64, 'known is at most 64 characters')),
  ),
});
export const UnsubFrame = v.object({ type: v.literal('unsub'), stream: Stream });
const MessageId = v.pipe(
  v.string('a message id must be a string'),
  v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'a message id is 1-64 letters, digits, _ or -'),
);
export const SendFrame = v.object({
  type: v.literal('send'),
  stream: Stream,
  clientMsgId: ClientMsgId,
  text: MessageText,
  /** The id of a message in the same stream that this one answers. */
  replyTo: v.optional(MessageId),
});
export const TypingInFrame = v.object({
  type: v.literal('typing'),
  stream: Stream,
  active: v.boolean('active must be true or false'),
});
export const ReadInFrame = v.object({ type: v.literal('read'), stream: Stream, seq: Seq });
// Customer support (agents only, but `page`, which only visitors send):
const ConvStream = v.pipe(Stream, v.startsWith('conv:', 'stream must be a conversation, "conv:<id>"'));
export const AssignFrame = v.object({
  type: v.literal('assign'),
  stream: ConvStream,
  /** The agent to assign (yourself to claim), or null to unassign. */
  to: v.nullable(v.pipe(v.string(), v.maxLength(64))),
});
export const SetStatusFrame = v.object({
  type: v.literal('set_status'),
  stream: ConvStream,
  status: v.picklist(['open', 'pending', 'resolved'], 'status must be open, pending or resolved'),
});
export const NoteFrame = v.object({
  type: v.literal('note'),
  stream: ConvStream,
  clientMsgId: ClientMsgId,
  text: MessageText,
});
export const ListConversationsFrame = v.object({
  type: v.literal('list_conversations'),
  status: v.optional(v.picklist(['open', 'pending', 'resolved'], 'status must be open, pending or resolved')),
});
export const PageFrame = v.object({
  type: v.literal('page'),
  url: v.pipe(v.string('url must be a string'), v.maxLength(2000, 'url is over 2000 characters')),
  title: v.pipe(v.string('title must be a string'), v.maxLength(500, 'title is over 500 characters')),
});

export const PingFrame = v.object({ type: v.literal('ping') });
export const PongFrame = v.object({ type: v.literal('pong') });

export const ClientFrame = v.variant('type', [
  HelloFrame,
  SubFrame,
  UnsubFrame,
  SendFrame,
  TypingInFrame,
  ReadInFrame,
  AssignFrame,
  SetStatusFrame,
  NoteFrame,
  ListConversationsFrame,
  PageFrame,
  PingFrame,
  PongFrame,
]);
export type ClientFrame = v.InferOutput<typeof ClientFrame>;
/** Frames the core hub hands to an extension (customer support). */
export type SupportFrame = Extract<
  ClientFrame,
  { type: 'assign' | 'set_status' | 'note' | 'list_conversations' | 'page' }
>;
export type SendFrame = v.InferOutput<typeof SendFrame>;

// ---- server -> client ----------------------------------------------------------------------

export const UserRef = v.object({ id: v.string(), name: v.string() });
export type UserRef = v.InferOutput<typeof UserRef>;

/** The users who reacted with one emoji: `users` is capped (the first ones), `count` is not. */
export const ReactionSummary = v.object({ emoji: v.string(), count: v.number(), users: v.array(UserRef) });
export type ReactionSummary = v.InferOutput<typeof ReactionSummary>;

/** What a reply shows of the message it answers (as it was when the reply was sent). */
export const ReplyQuote = v.object({ id: v.string(), seq: v.number(), from: UserRef, text: v.string() });

export const WelcomeFrame = v.object({
  type: v.literal('welcome'),
  v: v.number(),
  connId: v.string(),
  user: v.object({ id: v.string(), name: v.string(), role: v.string() }),
  heartbeatMs: v.number(),
  replayLimit: v.number(),
});
export const MsgFrame = v.object({
  type: v.literal('msg'),
  stream: v.string(),
  seq: v.number(),
  id: v.string(),
  ts: v.number(),
  from: UserRef,
  clientMsgId: v.string(),
  text: v.string(),
  replyTo: v.optional(ReplyQuote),
  /** Ids of the users the text mentions; "room" when it mentions everyone (`@room`). */
  mentions: v.optional(v.array(v.string())),
  // The message as it is now, in history pages (live, changes arrive as `change` frames):
  editedAt: v.optional(v.number()),
  deleted: v.optional(v.boolean()),
  reactions: v.optional(v.array(ReactionSummary)),
  /** The seq of the newest change folded into this frame: a `change` at or below it is already in. */
  stateSeq: v.optional(v.number()),
});
/** A pushed event in a stream's log (from the push API or a finished job), resumable by seq like a message. */
export const EventFrame = v.object({
  type: v.literal('event'),
  stream: v.string(),
  seq: v.number(),
  id: v.string(),
  ts: v.number(),
  event: v.string(),
  data: v.unknown(),
});
/**
 * A change in a stream, as a log entry of its own with a seq: edits, deletions and reactions
 * (each naming its `target` message by id) and membership and room changes. A change carries the
 * resulting state, not a delta (a reaction's full summary, an edit's new text), so applying one
 * twice, or after a history page that already has it (`stateSeq`), changes nothing.
 */
export const EditChange = v.object({
  kind: v.literal('edit'),
  target: v.string(),
  text: v.string(),
  mentions: v.optional(v.array(v.string())),
});
export const DeleteChange = v.object({ kind: v.literal('delete'), target: v.string() });
export const ReactionChange = v.object({
  kind: v.literal('reaction'),
  target: v.string(),
  reaction: ReactionSummary,
});
export type MemberChange = v.InferOutput<typeof MemberChange>;
export const MemberChange = v.object({
  kind: v.literal('member'),
  user: UserRef,
  action: v.picklist(['join', 'leave', 'invite', 'remove', 'ban', 'unban', 'mute', 'unmute', 'role']),
  role: v.optional(v.picklist(['owner', 'moderator', 'member'])),
  /** A mute's or ban's end (ms since the epoch); null or absent: until lifted. */
  until: v.optional(v.nullable(v.number())),
});
export const RoomChange = v.object({
  kind: v.literal('room'),
  title: v.optional(v.string()),
  topic: v.optional(v.string()),
});
export const Change = v.variant('kind', [EditChange, DeleteChange, ReactionChange, MemberChange, RoomChange]);
export type Change = v.InferOutput<typeof Change>;
export const ChangeFrame = v.object({
  type: v.literal('change'),
  stream: v.string(),
  seq: v.number(),
  id: v.string(),
  ts: v.number(),
  /** Who made the change. */
  from: UserRef,
  change: Change,
});
/** A job's latest state: ephemeral (only the newest matters), sent live and on every (re)subscribe. */
export const JobFrame = v.object({
  type: v.literal('job'),
  id: v.string(),
  title: v.string(),
  status: v.picklist(['running', 'done', 'failed']),
  percent: v.number(),
  message: v.string(),
  result: v.optional(v.unknown()),
  error: v.optional(v.string()),
  createdAt: v.number(),
  updatedAt: v.number(),
});
export const AckFrame = v.object({
  type: v.literal('ack'),
  stream: v.string(),
  clientMsgId: v.string(),
  id: v.string(),
  seq: v.number(),
  ts: v.number(),
});
export const SubscribedFrame = v.object({
  type: v.literal('subscribed'),
  stream: v.string(),
  /** The seq the subscription is caught up to: everything at or below it was sent or skipped. */
  head: v.number(),
  readSeq: v.number(),
  unread: v.number(),
  /** Rooms: messages after `readSeq` that mention you (or `@room`), from others. */
  mentions: v.optional(v.number()),
});
export const ResyncFrame = v.object({
  type: v.literal('resync_required'),
  stream: v.string(),
  head: v.number(),
  reason: v.picklist(['cursor_ahead', 'backlog']),
});
export const PresenceFrame = v.object({
  type: v.literal('presence'),
  stream: v.string(),
  kind: v.picklist(['snapshot', 'join', 'leave']),
  users: v.array(UserRef),
});
export const TypingOutFrame = v.object({
  type: v.literal('typing'),
  stream: v.string(),
  user: UserRef,
  active: v.boolean(),
});
export const ReadOutFrame = v.object({
  type: v.literal('read'),
  stream: v.string(),
  seq: v.number(),
  unread: v.number(),
  /** Rooms: messages after `seq` that mention you (or `@room`), from others. */
  mentions: v.optional(v.number()),
});
/** Someone read a conversation up to `seq` ("seen"). */
export const ReceiptFrame = v.object({
  type: v.literal('receipt'),
  stream: v.string(),
  by: UserRef,
  seq: v.number(),
});
export const ConversationView = v.object({
  id: v.string(),
  siteId: v.string(),
  siteName: v.string(),
  status: v.picklist(['open', 'pending', 'resolved']),
  assignee: v.nullable(UserRef),
  visitor: v.object({ id: v.string(), name: v.string(), email: v.string() }),
  createdAt: v.number(),
  lastActivityAt: v.number(),
  lastSeq: v.number(),
  lastPreview: v.string(),
  lastFrom: v.nullable(v.picklist(['visitor', 'agent'])),
});
export type ConversationView = v.InferOutput<typeof ConversationView>;
/** The answer to `list_conversations`. */
export const ConversationsFrame = v.object({
  type: v.literal('conversations'),
  items: v.array(ConversationView),
});
/**
 * The user's room list changed (a room was created, renamed, joined, left, a DM started, a
 * membership ended): fetch it again. A hint, not state: a client that missed it refetches on
 * its next reconnect anyway.
 */
export const RoomsChangedFrame = v.object({ type: v.literal('rooms_changed') });
export const ErrorFrame = v.object({
  type: v.literal('error'),
  code: v.string(),
  message: v.string(),
  /** The clientMsgId or stream the error is about, when it is about one. */
  ref: v.optional(v.string()),
  retryAfterMs: v.optional(v.number()),
});

export const ServerFrame = v.variant('type', [
  WelcomeFrame,
  MsgFrame,
  EventFrame,
  ChangeFrame,
  JobFrame,
  AckFrame,
  SubscribedFrame,
  ResyncFrame,
  PresenceFrame,
  TypingOutFrame,
  ReadOutFrame,
  ReceiptFrame,
  ConversationsFrame,
  RoomsChangedFrame,
  ErrorFrame,
  PingFrame,
  PongFrame,
]);
export type ServerFrame = v.InferOutput<typeof ServerFrame>;

// ---- long-polling envelopes ----------------------------------------------------------------

/** The body of `POST /api/poll` and `POST /api/poll/send`: client frames in an HTTP request. */
export const PollRequest = v.object({
  /** The client's id for this tab: it keys presence and the one-poll-at-a-time rule. */
  cid: v.pipe(
    v.string('cid must be a string'),
    v.regex(/^[A-Za-z0-9_-]{8,64}$/, 'cid must be 8-64 of A-Z a-z 0-9 _ -'),
  ),
  frames: v.pipe(
    v.array(v.unknown(), 'frames must be an array'),
    v.maxLength(500, 'at most 500 frames per request'),
  ),
  /** false: answer as soon as the frames are handled (a client's first poll, or new streams). */
  hold: v.optional(v.boolean('hold must be true or false'), true),
});
export type PollRequest = v.InferOutput<typeof PollRequest>;

/**
 * A poll's answer. `frames` are server frames, each decoded on its own like a WebSocket frame.
 * `known` maps each stream this poll caught up to a short opaque value naming the ephemeral state
 * (presence, latest values) the client holds after these frames; the next poll sends it back as
 * the stream's `sub.known`. `close` ends the "connection" with a close code.
 */
export const PollAnswer = v.object({
  frames: v.array(v.unknown()),
  close: v.optional(v.object({ code: v.number(), reason: v.string(), retryAfterMs: v.optional(v.number()) })),
  known: v.optional(v.record(v.string(), v.string())),
});
export type PollAnswer = v.InferOutput<typeof PollAnswer>;
export type MsgFrame = v.InferOutput<typeof MsgFrame>;
export type EventFrame = v.InferOutput<typeof EventFrame>;
export type JobFrame = v.InferOutput<typeof JobFrame>;
export type ChangeFrame = v.InferOutput<typeof ChangeFrame>;
/** A frame that carries one log entry: what cursors count. */
export type LogFrame = MsgFrame | EventFrame | ChangeFrame;
export type ReceiptFrame = v.InferOutput<typeof ReceiptFrame>;
export type ConversationsFrame = v.InferOutput<typeof ConversationsFrame>;
export type AckFrame = v.InferOutput<typeof AckFrame>;
export type ErrorFrame = v.InferOutput<typeof ErrorFrame>;
export type PresenceFrame = v.InferOutput<typeof PresenceFrame>;
export type ResyncFrame = v.InferOutput<typeof ResyncFrame>;
export type WelcomeFrame = v.InferOutput<typeof WelcomeFrame>;

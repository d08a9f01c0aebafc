/**
 * The HTTP API's request schemas and response shapes, shared by the server (which validates every
 * body with `readJson`) and the SPA (which types its fetches with them).
 */
import * as v from 'valibot';
import type { ErrorCode } from './codes.js';
import { Limits, utf8Bytes } from './limits.js';
import type { JobFrame, MsgFrame } from './protocol.js';

const byteLimit = (field: string, limit: number) =>
  v.check(
    (s: string) => utf8Bytes(s) <= limit,
    (issue: v.CheckIssue<string>) =>
      `${field} is ${utf8Bytes(String(issue.input))} bytes; the limit is ${limit}`,
  );

export const CredentialsBody = v.object({
  username: v.string('username must be a string'),
  password: v.pipe(
    v.string('password must be a string'),
    v.minLength(Limits.passwordMinChars, `password must be at least ${Limits.passwordMinChars} characters`),
    byteLimit('password', Limits.passwordMaxBytes),
  ),
});
export type CredentialsBody = v.InferOutput<typeof CredentialsBody>;

export const CreateRoomBody = v.object({
  title: v.pipe(
    v.string('title must be a string'),
    v.trim(),
    v.nonEmpty('room title is empty'),
    byteLimit('room title', Limits.roomTitleBytes),
  ),
  topic: v.optional(
    v.pipe(v.string('topic must be a string'), v.trim(), byteLimit('topic', Limits.roomTopicBytes)),
    '',
  ),
});
export type CreateRoomBody = v.InferOutput<typeof CreateRoomBody>;

export interface ApiUser {
  id: string;
  username: string;
  role: 'admin' | 'agent' | 'user';
}

export interface ApiRoom {
  id: string;
  title: string;
  topic: string;
  memberCount: number;
  joined: boolean;
  head: number;
  readSeq: number;
  unread: number;
}

export interface MessagesPage {
  /** Ascending by seq. */
  messages: MsgFrame[];
  /** True when older messages exist before the first one. */
  hasMore: boolean;
}

export interface ApiErrorBody {
  error: { code: ErrorCode; message: string };
}

export interface HealthBody {
  /** True while this process can serve: storage answers. Sends commit even when the broker is down. */
  ok: boolean;
  version: string;
  protocol: number;
  storage: { name: string; ok: boolean; detail?: string };
  /** With Redis down, live fan-out between processes pauses; clients converge by cursor after. */
  broker: { name: string; ok: boolean; detail?: string };
}

// ---- push API ---------------------------------------------------------------------------------

const Id = v.pipe(
  v.string('must be a string'),
  v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 _ -'),
);
const TopicName = v.pipe(
  v.string('topic must be a string'),
  v.regex(/^[A-Za-z0-9_.-]{1,64}$/, 'topic must be 1-64 of A-Z a-z 0-9 _ . -'),
);

/** Who a push goes to: exactly one of a user, a room or a topic. */
export const PushTarget = v.union(
  [v.strictObject({ user: Id }), v.strictObject({ room: Id }), v.strictObject({ topic: TopicName })],
  'target must be one of {"user": id}, {"room": id} or {"topic": name}',
);
export type PushTarget = v.InferOutput<typeof PushTarget>;

/** Event data is any JSON value of at most this many bytes once serialized. */
export const PUSH_DATA_BYTES = 32 * 1024;

export const PushBody = v.object({
  target: PushTarget,
  event: v.pipe(
    v.string('event must be a string'),
    v.regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'event must be 1-64 of A-Z a-z 0-9 _ . : -'),
  ),
  data: v.optional(
    v.pipe(
      v.unknown(),
      v.check(
        (value) => utf8Bytes(JSON.stringify(value ?? null)) <= PUSH_DATA_BYTES,
        `data is over ${PUSH_DATA_BYTES} bytes of JSON`,
      ),
    ),
    null,
  ),
});
export type PushBody = v.InferOutput<typeof PushBody>;

export interface PushAccepted {
  /** The event's id and its seq in the target's stream. */
  id: string;
  seq: number;
  stream: string;
}

export const SCOPE_PATTERN = /^(?:(?:user|room|topic):(?:\*|[A-Za-z0-9_.-]{1,64})|jobs)$/;

export const CreateKeyBody = v.object({
  name: v.pipe(
    v.string('name must be a string'),
    v.trim(),
    v.nonEmpty('name the key'),
    byteLimit('name', 100),
  ),
  scopes: v.pipe(
    v.array(
      v.pipe(
        v.string(),
        v.regex(
          SCOPE_PATTERN,
          'a scope is user:*, user:<id>, room:*, room:<id>, topic:*, topic:<name> or jobs',
        ),
      ),
      'scopes must be an array of strings',
    ),
    v.minLength(1, 'give the key at least one scope'),
    v.maxLength(50, 'at most 50 scopes'),
  ),
});
export type CreateKeyBody = v.InferOutput<typeof CreateKeyBody>;

export interface ApiKeyView {
  id: string;
  name: string;
  scopes: string[];
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export const CreateJobBody = v.object({
  user: Id,
  title: v.pipe(
    v.string('title must be a string'),
    v.trim(),
    v.nonEmpty('title is empty'),
    byteLimit('title', 200),
  ),
});

export const JobProgressBody = v.object({
  percent: v.pipe(
    v.number('percent must be a number'),
    v.minValue(0, 'percent is 0-100'),
    v.maxValue(100, 'percent is 0-100'),
  ),
  message: v.optional(v.pipe(v.string('message must be a string'), byteLimit('message', 500)), ''),
});

export const JobDoneBody = v.union(
  [
    v.strictObject({
      result: v.unknown(),
      message: v.optional(v.pipe(v.string('message must be a string'), byteLimit('message', 500))),
    }),
    v.strictObject({
      error: v.pipe(v.string('error must be a string'), v.nonEmpty(), byteLimit('error', 2000)),
    }),
  ],
  'send {"result": ...} or {"error": "what went wrong"}',
);

/** A job as the API and the `job` frame show it. */
export type JobView = Omit<JobFrame, 'type'>;

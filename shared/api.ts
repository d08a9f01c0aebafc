/**
 * The HTTP API's request schemas and response shapes, shared by the server (which validates every
 * body with `readJson`) and the SPA (which types its fetches with them).
 */
import * as v from 'valibot';
import type { ErrorCode } from './codes.js';
import { Limits, utf8Bytes } from './limits.js';
import type { MsgFrame } from './protocol.js';

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
  ok: boolean;
  version: string;
  protocol: number;
  storage: string;
  broker: string;
}

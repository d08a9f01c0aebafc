/**
 * The HTTP API's request schemas and response shapes, shared by the server (which validates every
 * body with `readJson`) and the SPA (which types its fetches with them).
 */
import * as v from 'valibot';
import type { ErrorCode } from './codes.js';
import { Limits, utf8Bytes } from './limits.js';
import type { JobFrame, LogFrame } from './protocol.js';
import { forbiddenTextChar, textProblem } from './text-rules.js';

const byteLimit = (field: string, limit: number) =>
  v.check(
    (s: string) => utf8Bytes(s) <= limit,
    (issue: v.CheckIssue<string>) =>
      `${field} is ${utf8Bytes(String(issue.input))} bytes; the limit is ${limit}`,
  );

/** One function for every name and title check, so `issueCode` can tell its failures apart. */
const cleanText = (s: string): boolean => forbiddenTextChar(s) === null;
/** No invisible, text-direction or control character (shared/text-rules.ts) in a name or title. */
const visibleText = (field: string) =>
  v.check(cleanText, (issue: v.CheckIssue<string>) => textProblem(field, String(issue.input)) ?? field);

/** The API code for a body that failed its schema: `invisible_character` for a name or title
 * holding one, `invalid_request` for anything else. */
export function issueCode(issue: v.BaseIssue<unknown>): ErrorCode {
  const requirement = (issue as { requirement?: unknown }).requirement;
  return issue.type === 'check' && requirement === cleanText ? 'invisible_character' : 'invalid_request';
}

export const CredentialsBody = v.object({
  username: v.string('username must be a string'),
  password: v.pipe(
    v.string('password must be a string'),
    v.minLength(Limits.passwordMinChars, `password must be at least ${Limits.passwordMinChars} characters`),
    byteLimit('password', Limits.passwordMaxBytes),
  ),
  /** Only for the first account from another machine: the code the server printed at start. */
  setupCode: v.optional(v.pipe(v.string('setupCode must be a string'), v.maxLength(64))),
});
export type CredentialsBody = v.InferOutput<typeof CredentialsBody>;

export const CreateRoomBody = v.object({
  title: v.pipe(
    v.string('title must be a string'),
    v.trim(),
    v.nonEmpty('room title is empty'),
    byteLimit('room title', Limits.roomTitleBytes),
    visibleText('room title'),
  ),
  topic: v.optional(
    v.pipe(v.string('topic must be a string'), v.trim(), byteLimit('topic', Limits.roomTopicBytes)),
    '',
  ),
  /** public: listed, anyone joins; private: unlisted, by invitation only. */
  kind: v.optional(v.picklist(['public', 'private'], 'kind must be public or private'), 'public'),
});
export type CreateRoomBody = v.InferOutput<typeof CreateRoomBody>;

/** Someone you can message: in user search, and the people of a DM. */
export interface ApiPerson {
  id: string;
  username: string;
}

/**
 * Opens the DM among you and these people (1 to 8 others): the same one each time for the same
 * people. The list may name you; repeats count once.
 */
export const OpenDmBody = v.object({
  userIds: v.pipe(
    v.array(
      v.pipe(
        v.string('a user id must be a string'),
        v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'a user id is 1-64 of A-Z a-z 0-9 _ -'),
      ),
      'userIds must be a list of user ids',
    ),
    v.minLength(1, 'name at least one person'),
    v.maxLength(100, 'userIds holds at most 100 ids'),
  ),
});
export type OpenDmBody = v.InferOutput<typeof OpenDmBody>;

/** What a user chose for themself (each field optional in a change). */
export interface ApiSettings {
  /** Send read receipts in direct messages; off also hides others' receipts from you. */
  readReceipts: boolean;
}
export const SettingsBody = v.strictObject(
  { readReceipts: v.optional(v.boolean('readReceipts must be true or false')) },
  'the settings are {"readReceipts": true|false}',
);

export interface ApiUser {
  id: string;
  username: string;
  role: 'admin' | 'agent' | 'user';
}

export type AccountStatus = 'active' | 'suspended' | 'deleted';

/** public: listed, anyone joins; private: by invitation; dm: a direct message. */
export type RoomKind = 'public' | 'private' | 'dm';
/** A member's role in one room (owners and moderators moderate it). */
export type RoomRole = 'owner' | 'moderator' | 'member';

export interface ApiRoom {
  id: string;
  title: string;
  topic: string;
  kind: RoomKind;
  memberCount: number;
  joined: boolean;
  /** Your role in the room; null when you are not a member. */
  role: RoomRole | null;
  head: number;
  readSeq: number;
  unread: number;
  /** Messages after `readSeq` that mention you, or `@room`, from others (0 when not a member). */
  mentions: number;
  /** A DM's other people, by username (its title is their names). */
  people?: ApiPerson[];
}

/** A room member as `GET /api/rooms/:id/members` lists them (for `@` completion). */
export interface ApiMember {
  id: string;
  username: string;
  role: RoomRole;
}

export interface MessagesPage {
  /** Ascending by seq: chat messages, and events pushed into the room by the push API. */
  messages: LogFrame[];
  /** True when older messages exist before the first one. */
  hasMore: boolean;
}

/** What one Transport lab run cost on the wire, from the server's counters. */
export interface LabRunReport {
  bytesIn: number;
  bytesOut: number;
  requests: number;
  delivered: number;
  /** Delivery latency (commit to write) percentiles in ms, or null before any delivery. */
  latencyP50: number | null;
  latencyP95: number | null;
}

export interface ApiErrorBody {
  error: { code: ErrorCode; message: string };
}

/**
 * ok: answers. degraded: this process still serves its own connections, with less (Redis away:
 * no fan-out between processes, presence and rate limits per process). down: it cannot serve
 * (storage cannot store).
 */
export type HealthStatus = 'ok' | 'degraded' | 'down';

/** One dependency, from a live check with a timeout made for this request. */
export interface DependencyHealth {
  name: string;
  status: HealthStatus;
  /** Same as `status === 'ok'`. */
  ok: boolean;
  /** How long the check took, in ms; null when it got no answer. */
  latencyMs: number | null;
  detail?: string;
}

export interface HealthBody {
  /** The worst of the dependencies: HTTP 503 when `down`, 200 otherwise. */
  status: HealthStatus;
  /** True while this process can serve: storage answers. Sends commit even when the broker is down. */
  ok: boolean;
  version: string;
  protocol: number;
  storage: DependencyHealth;
  /** With Redis down, live fan-out between processes pauses; clients converge by cursor after. */
  broker: DependencyHealth;
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
  [
    v.strictObject({ user: Id }),
    v.strictObject({ room: Id }),
    v.strictObject({ topic: TopicName }),
    v.strictObject({ visitor: Id }),
  ],
  'target must be one of {"user": id}, {"room": id}, {"topic": name} or {"visitor": id}',
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

export const SCOPE_PATTERN = /^(?:(?:user|room|topic|visitor):(?:\*|[A-Za-z0-9_.-]{1,64})|jobs)$/;

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
          'a scope is user:*, user:<id>, room:*, room:<id>, topic:*, topic:<name>, visitor:*, visitor:<id> or jobs',
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

/** A job's result is any JSON value of at most this many bytes once serialized, like push data. */
export const JOB_RESULT_BYTES = 32 * 1024;

export const JobDoneBody = v.union(
  [
    v.strictObject({
      result: v.pipe(
        v.unknown(),
        v.check(
          (value) => utf8Bytes(JSON.stringify(value ?? null)) <= JOB_RESULT_BYTES,
          `result is over ${JOB_RESULT_BYTES} bytes of JSON`,
        ),
      ),
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

// ---- customer support -------------------------------------------------------------------------

const OriginPattern = v.pipe(
  v.string('an origin must be a string'),
  v.regex(
    /^https?:\/\/(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$/,
    'an allowed origin is scheme://host[:port], like https://www.example.com, or https://*.example.com',
  ),
);
const HHMM = v.pipe(v.string(), v.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time is HH:MM, like 09:00'));

export const SiteOptionsBody = v.object({
  prechat: v.optional(v.boolean('prechat must be true or false'), false),
  greeting: v.optional(v.pipe(v.string(), byteLimit('greeting', 500)), ''),
  businessHours: v.optional(
    v.nullable(
      v.object({
        timezone: v.pipe(
          v.string(),
          v.check((tz) => {
            try {
              new Intl.DateTimeFormat('en-US', { timeZone: tz });
              return true;
            } catch {
              return false;
            }
          }, 'timezone must be an IANA time zone, like Europe/Berlin'),
        ),
        days: v.array(
          v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(6)),
          'days are 0 (Sunday) to 6',
        ),
        open: HHMM,
        close: HHMM,
      }),
    ),
    null,
  ),
});

export const CreateSiteBody = v.object({
  name: v.pipe(
    v.string('name must be a string'),
    v.trim(),
    v.nonEmpty('name the site'),
    byteLimit('name', 100),
    visibleText('site name'),
  ),
  allowedOrigins: v.pipe(
    v.array(OriginPattern, 'allowedOrigins must be a list'),
    v.minLength(1, 'allow at least one origin'),
    v.maxLength(50),
  ),
  options: v.optional(SiteOptionsBody, {}),
});

export const UpdateSiteBody = v.partial(CreateSiteBody);

/** Outside these hours the widget says nobody is available and takes a message. */
export interface BusinessHours {
  /** An IANA time zone, like Europe/Berlin. */
  timezone: string;
  /** 0 = Sunday ... 6 = Saturday. */
  days: number[];
  /** "09:00" */
  open: string;
  /** "17:30" */
  close: string;
}

export interface SiteOptions {
  /** Ask for name and email before the first message. */
  prechat: boolean;
  /** Shown at the top of a new conversation. */
  greeting: string;
  businessHours: BusinessHours | null;
}

export interface SiteView {
  id: string;
  key: string;
  name: string;
  allowedOrigins: string[];
  options: SiteOptions;
  createdAt: number;
  /** Ready to paste into the site's pages. */
  snippet: string;
}

export const RoleBody = v.object({
  role: v.picklist(['user', 'agent', 'admin'], 'role is user, agent or admin'),
});
/** Suspend an account, or lift a suspension (deleting is DELETE /api/admin/users/:id). */
export const StatusBody = v.object({
  status: v.picklist(['active', 'suspended'], 'status is active or suspended'),
});
export const AvailabilityBody = v.object({
  availability: v.picklist(['online', 'away'], 'availability is online or away'),
});
export const CannedBody = v.object({
  shortcut: v.pipe(v.string(), v.regex(/^[a-z0-9_-]{1,32}$/, 'a shortcut is 1-32 of a-z 0-9 _ -')),
  text: v.pipe(v.string(), v.trim(), v.nonEmpty('the reply is empty'), byteLimit('the reply', 4000)),
});

const VisitorName = v.pipe(
  v.string('name must be a string'),
  v.trim(),
  byteLimit('name', 100),
  visibleText('name'),
);

const Email = v.pipe(
  v.string('email must be a string'),
  v.trim(),
  v.maxLength(200, 'email is over 200 characters'),
  v.check((e) => e === '' || /^[^\s@]+@[^\s@]+$/.test(e), 'that email address does not look right'),
);

/** The widget's first message opens a conversation (with the pre-chat form's name and email). */
export const StartConversationBody = v.object({
  text: v.pipe(
    v.string('text must be a string'),
    v.trim(),
    v.nonEmpty('the message is empty'),
    byteLimit('the message', 16_000),
  ),
  clientMsgId: v.optional(
    v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'clientMsgId is 1-64 of A-Z a-z 0-9 _ -')),
  ),
  name: v.optional(VisitorName),
  email: v.optional(Email),
});

export const IdentifyBody = v.object({
  name: v.optional(VisitorName),
  email: v.optional(Email),
  attributes: v.optional(
    v.pipe(
      v.record(
        v.pipe(v.string(), v.maxLength(64)),
        v.union([v.pipe(v.string(), v.maxLength(500)), v.number(), v.boolean()]),
      ),
      v.check((r) => Object.keys(r).length <= 50, 'at most 50 attributes'),
    ),
  ),
});

export const PageViewBody = v.object({
  url: v.pipe(v.string(), v.maxLength(2000, 'url is over 2000 characters')),
  title: v.pipe(v.string(), v.maxLength(500, 'title is over 500 characters')),
  timezone: v.optional(v.pipe(v.string(), v.maxLength(64))),
});

export interface WidgetConfig {
  site: { name: string; greeting: string; prechat: boolean };
  /** Whether an agent can answer now; when not, the widget says so and takes an email. */
  available: boolean;
  reason?: 'no_agents' | 'outside_hours';
}

export interface VisitorConversation {
  id: string;
  status: 'open' | 'pending' | 'resolved';
  lastSeq: number;
  lastPreview: string;
  lastFrom: 'visitor' | 'agent' | null;
  lastActivityAt: number;
}

export interface VisitorContext {
  id: string;
  name: string;
  email: string;
  attributes: Record<string, string | number | boolean>;
  userAgent: string;
  timezone: string;
  /** Newest first; the first is the current page. */
  pages: { url: string; title: string; at: number }[];
}

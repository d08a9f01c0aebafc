/**
 * The storage interface. Every method is async so that PostgreSQL can implement it; SQLite answers
 * synchronously underneath. Every implementation runs `tests/contracts/storage.contract.ts`.
 *
 * The log is the heart of the delivery guarantee: `append` stores an entry with a per-stream,
 * strictly increasing `seq` under a unique (senderId, clientMsgId), in one transaction, and only
 * its result may be acknowledged to a client.
 *
 * @example
 * const [result] = await storage.append([{ stream: 'room:lobby', senderId, senderName,
 *   clientMsgId: 'c1', kind: 'msg', body: '{"text":"hi"}' }]);
 * if (result.status !== 'conflict') ack(result.entry.seq);
 */
import type { BusinessHours, RoomKind, RoomRole, SiteOptions } from '../../shared/api.js';

export type { BusinessHours, RoomKind, RoomRole, SiteOptions };

export type Role = 'admin' | 'agent' | 'user';

/**
 * `suspended`: cannot sign in or connect until an admin sets the account active again.
 * `deleted`: for good; the row stays (so the log's messages keep an author id that leads
 * somewhere and the username is not handed to someone else), but it signs in nowhere.
 */
export type UserStatus = 'active' | 'suspended' | 'deleted';

export interface User {
  id: string;
  username: string;
  role: Role;
  status: UserStatus;
  createdAt: number;
}

export interface UserWithSecret extends User {
  passwordHash: string;
}

export interface Room {
  id: string;
  title: string;
  topic: string;
  kind: RoomKind;
  createdAt: number;
}

export interface RoomSummary extends Room {
  memberCount: number;
  joined: boolean;
  /** The user's role in the room; null when not a member. */
  role: RoomRole | null;
  /** The newest seq in the room's stream (0 when empty). */
  head: number;
  readSeq: number;
  /** Messages from others after `readSeq`. */
  unread: number;
  /** Messages from others after `readSeq` that mention the user or `@room` (0 when not a member). */
  mentions: number;
}

/** A member of a room, as `@` completion and mention resolution see them. */
export interface RoomMember {
  id: string;
  username: string;
  role: RoomRole;
}

export interface LogEntry {
  stream: string;
  seq: number;
  id: string;
  ts: number;
  senderId: string;
  senderName: string;
  clientMsgId: string;
  kind: string;
  /** JSON text; its shape depends on `kind` (`msg`: `{"text": ...}`). */
  body: string;
}

export type AppendInput = Omit<LogEntry, 'seq' | 'id' | 'ts'> & {
  /**
   * Who the entry mentions (user ids, or `room` for everyone): indexed in the same transaction,
   * only when the entry is created, so a room's mention counts never see half a message.
   */
  mentions?: readonly string[];
};

export type AppendResult =
  | { status: 'created'; entry: LogEntry }
  /** Same sender, clientMsgId, stream and body as a stored entry: that entry, unchanged. */
  | { status: 'duplicate'; entry: LogEntry }
  /** Same sender and clientMsgId as `entry`, but another stream or body: nothing stored. */
  | { status: 'conflict'; entry: LogEntry };

/**
 * What appending `input` means when `stored` already holds its (senderId, clientMsgId): the same
 * stream, kind and body is a retry (a duplicate), anything else is a conflict. Either way the
 * stored entry answers, and nothing is written.
 */
export function repeatOf(stored: LogEntry, input: AppendInput): AppendResult {
  const same = stored.stream === input.stream && stored.kind === input.kind && stored.body === input.body;
  return { status: same ? 'duplicate' : 'conflict', entry: stored };
}

export interface AuthSession {
  sessionId: string;
  user: User;
  expiresAt: number;
}

export interface LogStore {
  /** Appends in order, in one transaction; results are in input order. */
  append(inputs: readonly AppendInput[]): Promise<AppendResult[]>;
  /** Entries with seq > afterSeq, ascending, at most `limit`. */
  readAfter(stream: string, afterSeq: number, limit: number): Promise<LogEntry[]>;
  /** The `limit` entries just below `beforeSeq` (newest page when null), ascending. */
  readBefore(stream: string, beforeSeq: number | null, limit: number): Promise<LogEntry[]>;
  head(stream: string): Promise<number>;
}

/** Unread counts stop at this many: the UI shows "1000+" rather than scanning a long backlog. */
export const UNREAD_CAP = 1000;

export interface ReadStore {
  /** Moves the user's read position forward (never back, never past the head); returns it. */
  markRead(userId: string, stream: string, seq: number): Promise<number>;
  /** `unread` counts messages from others after the read position, up to UNREAD_CAP. */
  readPosition(userId: string, stream: string): Promise<{ readSeq: number; unread: number }>;
  /** Everyone's read position in a stream (for "seen" in a conversation). */
  readPositions(stream: string): Promise<{ userId: string; seq: number }[]>;
}

/** Mention counts stop at this many: the UI shows "99+". */
export const MENTION_CAP = 100;

/**
 * The mention index: one row per (user, stream, seq) that mentions the user, or everyone
 * (`room`), written with the entry itself (`AppendInput.mentions`).
 */
export interface MentionStore {
  /**
   * Entries after `afterSeq` in `stream` that mention the user, or `@room` (but not the user's own
   * `@room`), up to MENTION_CAP.
   */
  mentionCount(userId: string, stream: string, afterSeq: number): Promise<number>;
  /**
   * Replaces what the entry at (stream, seq) mentions: for an edit that changes its mentions, or
   * a deletion (none).
   */
  setMentions(stream: string, seq: number, senderId: string, mentions: readonly string[]): Promise<void>;
  /** The room's members whose username key (usernameKey) is one of `keys`. */
  membersByKeys(roomId: string, keys: readonly string[]): Promise<RoomMember[]>;
  /**
   * At most `limit` members whose username key starts with `prefix` (any member when it is
   * empty), by username key.
   */
  searchMembers(roomId: string, prefix: string, limit: number): Promise<RoomMember[]>;
}

export interface UserStore {
  /**
   * The first user ever created is an admin; checked in the same transaction as the insert.
   * The key is unique, and so is each of the confusable skeletons (a primary key: concurrent
   * sign-ups from several processes cannot both win): `taken` when the key is, else `confusable`
   * when any skeleton belongs to another account. Computing them is the caller's job
   * (auth/username.ts).
   */
  createUser(input: {
    username: string;
    usernameKey: string;
    usernameSkeletons: readonly string[];
    passwordHash: string;
  }): Promise<{ status: 'created'; user: User } | { status: 'taken' } | { status: 'confusable' }>;
  userByKey(usernameKey: string): Promise<UserWithSecret | null>;
  userById(id: string): Promise<User | null>;
  /**
   * Sets an account's status. Any status but `active` also deletes every sign-in session of the
   * user, in the same transaction; `deleted` also ends their room memberships and sets them away.
   * Null when there is no such user; a deleted account stays deleted (returned unchanged).
   */
  setUserStatus(userId: string, status: UserStatus): Promise<User | null>;
}

export interface SessionStore {
  createSession(input: { tokenHash: string; userId: string; expiresAt: number }): Promise<string>;
  /** Only sessions of `active` accounts resolve. */
  sessionByTokenHash(tokenHash: string, now: number): Promise<AuthSession | null>;
  deleteSession(sessionId: string): Promise<void>;
  /** Deletes every session of the user (sign out everywhere); returns their ids. */
  deleteUserSessions(userId: string): Promise<string[]>;
}

export interface RoomStore {
  /** `kind` defaults to public. The creator is not made a member here (see joinRoom's role). */
  createRoom(input: {
    id?: string;
    title: string;
    topic: string;
    kind?: RoomKind;
    createdBy: string | null;
  }): Promise<Room>;
  roomById(id: string): Promise<Room | null>;
  countRooms(): Promise<number>;
  /** Public rooms, and the other rooms the user is a member of; never another's private room or DM. */
  listRooms(userId: string): Promise<RoomSummary[]>;
  /**
   * Returns false when the user was already a member (or already not one, for leave); joining
   * again keeps the role the member has. `role` defaults to member.
   */
  joinRoom(roomId: string, userId: string, role?: RoomRole): Promise<boolean>;
  leaveRoom(roomId: string, userId: string): Promise<boolean>;
  isMember(roomId: string, userId: string): Promise<boolean>;
  /** The member's role, or null when not a member. */
  memberRole(roomId: string, userId: string): Promise<RoomRole | null>;
  /** False when the user is not a member. */
  setMemberRole(roomId: string, userId: string, role: RoomRole): Promise<boolean>;
}

/** The people in a direct message, with what each lets others see. */
export interface DmMember {
  id: string;
  username: string;
  /** Whether they send read receipts ("seen"); see UserSettings. */
  readReceipts: boolean;
}

/** What a user chose for themself; every field has a default, so a new account has them all. */
export interface UserSettings {
  /**
   * Send read receipts in direct messages (default on). Off: others do not see how far you read,
   * and you do not see how far they did.
   */
  readReceipts: boolean;
}

/** The most people in one direct message, you included. */
export const DM_MAX_PEOPLE = 9;

/** A DM's key: its people's ids, once each, sorted (ids hold no spaces). */
export const dmKey = (userIds: readonly string[]): string => [...new Set(userIds)].sort().join(' ');

/**
 * Direct messages: rooms of kind `dm` among a fixed set of people, one per set. The set is the
 * room's key (its sorted member ids), under a unique index, so two processes opening the same DM
 * at once find one room.
 *
 * @example
 * const { room, created } = await storage.openDm({ userIds: [me.id, bob.id], title: 'alice, bob', createdBy: me.id });
 */
export interface DmStore {
  /**
   * The DM among exactly these users (order and repeats do not matter), or a new one with all of
   * them as members, in one transaction. `created` says which. The caller checks the users exist.
   */
  openDm(input: { userIds: readonly string[]; title: string; createdBy: string }): Promise<{
    room: Room;
    created: boolean;
  }>;
  /** The members of each of these rooms that is a DM, by room id (other rooms are left out). */
  dmMembers(roomIds: readonly string[]): Promise<Map<string, DmMember[]>>;
  /**
   * Active users whose username key starts with `prefix` (already a key: NFKC, case-folded),
   * ordered by it, at most `limit`; an empty prefix lists from the start.
   */
  searchUsers(prefix: string, limit: number): Promise<User[]>;
  /** Null when there is no such user. */
  userSettings(userId: string): Promise<UserSettings | null>;
  /** Applies the patch and returns the settings after it; null when there is no such user. */
  updateUserSettings(userId: string, patch: Partial<UserSettings>): Promise<UserSettings | null>;
}

export interface ApiKey {
  id: string;
  name: string;
  /** What the key may reach: `user:*`, `room:<id>`, `topic:*`, `jobs`, ... (see push/scopes.ts). */
  scopes: string[];
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export interface ApiKeyWithSecret extends ApiKey {
  /** SHA-256 of the key's secret part; the secret itself is shown once and never stored. */
  secretHash: string;
}

export interface KeyStore {
  createApiKey(input: {
    id: string;
    name: string;
    secretHash: string;
    scopes: string[];
    createdBy: string;
  }): Promise<ApiKey>;
  apiKeyById(id: string): Promise<ApiKeyWithSecret | null>;
  /** Newest first, revoked ones included. */
  listApiKeys(): Promise<ApiKey[]>;
  /** False when the key is unknown or already revoked. */
  revokeApiKey(id: string, at: number): Promise<boolean>;
  touchApiKey(id: string, at: number): Promise<void>;
}

export type JobStatus = 'running' | 'done' | 'failed';

export interface Job {
  id: string;
  userId: string;
  title: string;
  status: JobStatus;
  percent: number;
  message: string;
  /** Any JSON value, once done. */
  result: unknown;
  error: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface JobPatch {
  status?: JobStatus;
  percent?: number;
  message?: string;
  result?: unknown;
  error?: string | null;
}

export interface JobStore {
  createJob(input: { id: string; userId: string; title: string }): Promise<Job>;
  jobById(id: string): Promise<Job | null>;
  /**
   * Applies the patch to a running job and returns it; a job that already finished is returned
   * unchanged (a finished job never changes again). Null when there is no such job.
   */
  updateJob(id: string, patch: JobPatch): Promise<Job | null>;
  /** The user's jobs updated at or after `since`, newest first. */
  listJobs(userId: string, since: number, limit: number): Promise<Job[]>;
}

export interface Site {
  id: string;
  /** Public: it is in the embed snippet. */
  key: string;
  name: string;
  /** Exact `scheme://host[:port]` origins, or `https://*.example.com`. */
  allowedOrigins: string[];
  options: SiteOptions;
  createdAt: number;
}

export type VisitorAttributes = Record<string, string | number | boolean>;

export interface Visitor {
  id: string;
  siteId: string;
  name: string;
  email: string;
  attributes: VisitorAttributes;
  userAgent: string;
  /** The visitor's IANA time zone, as their browser reports it. */
  timezone: string;
  createdAt: number;
  lastSeenAt: number;
}

export interface PageView {
  url: string;
  title: string;
  at: number;
}

export type ConversationStatus = 'open' | 'pending' | 'resolved';

export interface Conversation {
  id: string;
  siteId: string;
  visitorId: string;
  status: ConversationStatus;
  assigneeId: string | null;
  createdAt: number;
  lastActivityAt: number;
  /** The newest seq in the conversation's stream. */
  lastSeq: number;
  lastPreview: string;
  lastFrom: 'visitor' | 'agent' | null;
}

export interface CannedResponse {
  id: string;
  /** Typed as `/shortcut` in the reply box. */
  shortcut: string;
  text: string;
  createdAt: number;
}

export type Availability = 'online' | 'away';

export interface Agent {
  id: string;
  username: string;
  role: Role;
  availability: Availability;
}

export interface SupportStore {
  createSite(input: {
    id: string;
    key: string;
    name: string;
    allowedOrigins: string[];
    options: SiteOptions;
  }): Promise<Site>;
  siteById(id: string): Promise<Site | null>;
  siteByKey(key: string): Promise<Site | null>;
  listSites(): Promise<Site[]>;
  updateSite(
    id: string,
    patch: Partial<Pick<Site, 'name' | 'allowedOrigins' | 'options'>>,
  ): Promise<Site | null>;

  createVisitor(input: { id: string; siteId: string; tokenHash: string }): Promise<Visitor>;
  /** The visitor of this site with this token, if any (a token never works on another site). */
  visitorByToken(siteId: string, tokenHash: string): Promise<Visitor | null>;
  visitorById(id: string): Promise<Visitor | null>;
  updateVisitor(
    id: string,
    patch: Partial<Pick<Visitor, 'name' | 'email' | 'attributes' | 'userAgent' | 'timezone' | 'lastSeenAt'>>,
  ): Promise<Visitor | null>;
  addPageView(visitorId: string, view: PageView): Promise<void>;
  /** Newest first. */
  pageViews(visitorId: string, limit: number): Promise<PageView[]>;

  createConversation(input: { id: string; siteId: string; visitorId: string }): Promise<Conversation>;
  conversationById(id: string): Promise<Conversation | null>;
  /** Newest activity first. */
  listConversations(filter: { status?: ConversationStatus; limit: number }): Promise<Conversation[]>;
  /** Newest activity first. */
  visitorConversations(visitorId: string): Promise<Conversation[]>;
  updateConversation(
    id: string,
    patch: Partial<
      Pick<Conversation, 'status' | 'assigneeId' | 'lastActivityAt' | 'lastSeq' | 'lastPreview' | 'lastFrom'>
    >,
  ): Promise<Conversation | null>;

  listCanned(): Promise<CannedResponse[]>;
  /** 'taken' when the shortcut exists. */
  createCanned(input: { id: string; shortcut: string; text: string }): Promise<CannedResponse | 'taken'>;
  deleteCanned(id: string): Promise<boolean>;

  setRole(userId: string, role: Role): Promise<User | null>;
  listUsers(): Promise<User[]>;
  /** Active agents and admins, with their availability. */
  listAgents(): Promise<Agent[]>;
  setAvailability(userId: string, availability: Availability): Promise<void>;
}

/** A ban keeps a user out of a room (and ends their membership); a mute keeps them from sending. */
export type SanctionKind = 'ban' | 'mute';

export interface Sanction {
  roomId: string;
  userId: string;
  kind: SanctionKind;
  /** When it ends by itself (ms since the epoch); null: until lifted. */
  until: number | null;
  by: string;
  createdAt: number;
}

export interface RoomInvite {
  id: string;
  roomId: string;
  createdBy: string;
  createdAt: number;
  /** Null: it does not expire. */
  expiresAt: number | null;
  revokedAt: number | null;
  uses: number;
}

export interface AuditEntry {
  id: string;
  at: number;
  actorId: string;
  /** A fixed word: `room.ban`, `room.mute`, `room.remove`, `user.suspend`, ... */
  action: string;
  targetUserId: string | null;
  roomId: string | null;
  /** Small JSON-able facts (a duration, a role); never free text from a request. */
  details: Record<string, string | number | boolean | null>;
}

export interface ModerationStore {
  /**
   * Sets (or replaces) a sanction. A ban also ends the user's membership of the room, in the same
   * transaction, so a banned user is never still a member.
   */
  setSanction(input: Omit<Sanction, 'createdAt'>): Promise<Sanction>;
  /** False when there was none. */
  liftSanction(roomId: string, userId: string, kind: SanctionKind): Promise<boolean>;
  /** The sanction in force at `now`, or null (none, or it ended by itself). */
  activeSanction(roomId: string, userId: string, kind: SanctionKind, now: number): Promise<Sanction | null>;
  /** Sanctions in force in a room at `now`, oldest first. */
  roomSanctions(roomId: string, now: number): Promise<Sanction[]>;

  /** The token itself is never stored: only its hash. */
  createInvite(input: {
    id: string;
    roomId: string;
    tokenHash: string;
    createdBy: string;
    expiresAt: number | null;
  }): Promise<RoomInvite>;
  inviteByTokenHash(tokenHash: string): Promise<RoomInvite | null>;
  /** A room's invites, newest first, revoked and expired ones included. */
  listInvites(roomId: string): Promise<RoomInvite[]>;
  /** False when unknown or already revoked. */
  revokeInvite(id: string, at: number): Promise<boolean>;
  /** Counts one use of an invite. */
  useInvite(id: string): Promise<void>;

  recordAudit(input: Omit<AuditEntry, 'id' | 'at'> & { at?: number }): Promise<AuditEntry>;
  /** Newest first; `before` pages by `at` (entries strictly older). */
  listAudit(filter: { limit: number; before?: number }): Promise<AuditEntry[]>;
}

export interface Storage
  extends LogStore,
    ModerationStore,
    ReadStore,
    MentionStore,
    UserStore,
    SessionStore,
    RoomStore,
    KeyStore,
    JobStore,
    SupportStore,
    DmStore {
  readonly name: string;
  /** Facts worth a log line at start-up (for SQLite: journal mode and synchronous level). */
  describe(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

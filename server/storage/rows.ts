/** Table rows as both SQL implementations read them, and their mapping to storage types. */
import type {
  Agent,
  ApiKey,
  ApiKeyWithSecret,
  AuditEntry,
  Availability,
  CannedResponse,
  Conversation,
  ConversationStatus,
  Job,
  JobStatus,
  LogEntry,
  Role,
  Room,
  RoomInvite,
  RoomKind,
  Sanction,
  SanctionKind,
  Site,
  SiteOptions,
  User,
  UserStatus,
  Visitor,
  VisitorAttributes,
} from './storage.js';

export interface LogRow {
  stream: string;
  seq: number;
  id: string;
  ts: number;
  sender_id: string;
  sender_name: string;
  client_msg_id: string;
  kind: string;
  body: string;
}

export interface RoomRow {
  id: string;
  title: string;
  topic: string;
  kind: string;
  created_at: number;
}

export const toRoom = (row: RoomRow): Room => ({
  id: row.id,
  title: row.title,
  topic: row.topic,
  kind: row.kind as RoomKind,
  createdAt: row.created_at,
});

export interface UserRow {
  id: string;
  username: string;
  role: string;
  /** Absent in rows read before the column existed in a query's select list. */
  status?: string;
  created_at: number;
  password_hash: string;
}

export interface ApiKeyRow {
  id: string;
  name: string;
  secret_hash: string;
  scopes: string;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

export interface JobRow {
  id: string;
  user_id: string;
  title: string;
  status: string;
  percent: number;
  message: string;
  result: string | null;
  error: string | null;
  created_at: number;
  updated_at: number;
}

export const toEntry = (row: LogRow): LogEntry => ({
  stream: row.stream,
  seq: row.seq,
  id: row.id,
  ts: row.ts,
  senderId: row.sender_id,
  senderName: row.sender_name,
  clientMsgId: row.client_msg_id,
  kind: row.kind,
  body: row.body,
});

export const toUser = (row: UserRow): User => ({
  id: row.id,
  username: row.username,
  role: row.role as Role,
  status: (row.status ?? 'active') as UserStatus,
  createdAt: row.created_at,
});

export const toApiKey = (row: ApiKeyRow): ApiKeyWithSecret => ({
  id: row.id,
  name: row.name,
  scopes: JSON.parse(row.scopes) as string[],
  createdAt: row.created_at,
  revokedAt: row.revoked_at,
  lastUsedAt: row.last_used_at,
  secretHash: row.secret_hash,
});

/** An ApiKey without its secret hash, for lists. */
export function publicKey(key: ApiKeyWithSecret): ApiKey {
  const { secretHash: _secret, ...rest } = key;
  return rest;
}

export const toJob = (row: JobRow): Job => ({
  id: row.id,
  userId: row.user_id,
  title: row.title,
  status: row.status as JobStatus,
  percent: row.percent,
  message: row.message,
  result: row.result === null ? null : (JSON.parse(row.result) as unknown),
  error: row.error,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** The job after a patch; the row values to write follow from it. */
export function patched(job: Job, patch: Partial<Job>, now: number): Job {
  return { ...job, ...patch, updatedAt: now };
}

/** Parameters for writing a job's mutable columns. */
export const jobColumns = (job: Job) => ({
  status: job.status,
  percent: job.percent,
  message: job.message,
  result: job.result === null || job.result === undefined ? null : JSON.stringify(job.result),
  error: job.error,
  updatedAt: job.updatedAt,
});

export interface SiteRow {
  id: string;
  key: string;
  name: string;
  allowed_origins: string;
  options: string;
  created_at: number;
}

export const toSite = (row: SiteRow): Site => ({
  id: row.id,
  key: row.key,
  name: row.name,
  allowedOrigins: JSON.parse(row.allowed_origins) as string[],
  options: JSON.parse(row.options) as SiteOptions,
  createdAt: row.created_at,
});

export interface VisitorRow {
  id: string;
  site_id: string;
  name: string;
  email: string;
  attributes: string;
  user_agent: string;
  timezone: string;
  created_at: number;
  last_seen_at: number;
}

export const toVisitor = (row: VisitorRow): Visitor => ({
  id: row.id,
  siteId: row.site_id,
  name: row.name,
  email: row.email,
  attributes: JSON.parse(row.attributes) as VisitorAttributes,
  userAgent: row.user_agent,
  timezone: row.timezone,
  createdAt: row.created_at,
  lastSeenAt: row.last_seen_at,
});

/** Parameters for writing a visitor's mutable columns. */
export const visitorColumns = (v: Visitor) => ({
  name: v.name,
  email: v.email,
  attributes: JSON.stringify(v.attributes),
  userAgent: v.userAgent,
  timezone: v.timezone,
  lastSeenAt: v.lastSeenAt,
});

export interface ConversationRow {
  id: string;
  site_id: string;
  visitor_id: string;
  status: string;
  assignee_id: string | null;
  created_at: number;
  last_activity_at: number;
  last_seq: number;
  last_preview: string;
  last_from: string | null;
}

export const toConversation = (row: ConversationRow): Conversation => ({
  id: row.id,
  siteId: row.site_id,
  visitorId: row.visitor_id,
  status: row.status as ConversationStatus,
  assigneeId: row.assignee_id,
  createdAt: row.created_at,
  lastActivityAt: row.last_activity_at,
  lastSeq: row.last_seq,
  lastPreview: row.last_preview,
  lastFrom: row.last_from as Conversation['lastFrom'],
});

export interface CannedRow {
  id: string;
  shortcut: string;
  text: string;
  created_at: number;
}

export const toCanned = (row: CannedRow): CannedResponse => ({
  id: row.id,
  shortcut: row.shortcut,
  text: row.text,
  createdAt: row.created_at,
});

export const toAgent = (row: UserRow & { availability: string }): Agent => ({
  id: row.id,
  username: row.username,
  role: row.role as Role,
  availability: row.availability as Availability,
});

export interface SanctionRow {
  room_id: string;
  user_id: string;
  kind: string;
  until: number | null;
  by_user: string;
  created_at: number;
}

export const toSanction = (row: SanctionRow): Sanction => ({
  roomId: row.room_id,
  userId: row.user_id,
  kind: row.kind as SanctionKind,
  until: row.until,
  by: row.by_user,
  createdAt: row.created_at,
});

export interface InviteRow {
  id: string;
  room_id: string;
  created_by: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  uses: number;
}

export const toInvite = (row: InviteRow): RoomInvite => ({
  id: row.id,
  roomId: row.room_id,
  createdBy: row.created_by,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
  uses: row.uses,
});

export interface AuditRow {
  id: string;
  at: number;
  actor_id: string;
  action: string;
  target_user_id: string | null;
  room_id: string | null;
  details: string;
}

export const toAudit = (row: AuditRow): AuditEntry => ({
  id: row.id,
  at: row.at,
  actorId: row.actor_id,
  action: row.action,
  targetUserId: row.target_user_id,
  roomId: row.room_id,
  details: JSON.parse(row.details) as AuditEntry['details'],
});

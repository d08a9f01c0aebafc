/**
 * The HTTP API as the SPA calls it. Every call resolves (never rejects) to a value or to an error
 * whose `message` is the server's sentence, ready to show; `code: 'network'` means no answer.
 *
 * @example
 * const api = createApi();
 * const result = await api.createRoom({ title: 'Lobby' });
 * if (!result.ok) form.error.value = result.message;
 */
import type {
  ApiKeyView,
  ApiMember,
  ApiPerson,
  ApiRoom,
  ApiSettings,
  ApiUser,
  CreateKeyBody,
  CreateRoomBody,
  CredentialsBody,
  JobView,
  MessagesPage,
  SiteOptions,
  SiteView,
  VisitorContext,
} from '../../../shared/api.js';
import type { ConversationView } from '../../../shared/protocol.js';

export type Role = ApiUser['role'];
export type Availability = 'online' | 'away';
export type ConversationStatus = ConversationView['status'];

export type AccountStatus = 'active' | 'suspended' | 'deleted';

/** A user as the admin's list shows them. */
export interface AdminUser extends ApiUser {
  status: AccountStatus;
  createdAt: number;
}

export interface SiteBody {
  name: string;
  allowedOrigins: string[];
  options: SiteOptions;
}

export interface AgentView {
  id: string;
  username: string;
  role: Role;
  availability: Availability;
  /** Their console is connected now. */
  connected: boolean;
}

export interface CannedResponse {
  id: string;
  shortcut: string;
  text: string;
  createdAt: number;
}

export type ApiResult<T> =
  | { ok: true; value: T }
  | { ok: false; status: number; code: string; message: string };

export interface Api {
  me(): Promise<ApiResult<{ user: ApiUser }>>;
  register(body: CredentialsBody): Promise<ApiResult<{ user: ApiUser }>>;
  login(body: CredentialsBody): Promise<ApiResult<{ user: ApiUser }>>;
  logout(): Promise<ApiResult<null>>;
  rooms(): Promise<ApiResult<{ rooms: ApiRoom[] }>>;
  createRoom(body: { title: string; topic?: string }): Promise<ApiResult<{ room: { id: string } }>>;
  /** Moderators: add someone to the room by name. */
  invite(roomId: string, username: string): Promise<ApiResult<{ joined: boolean }>>;
  /** Moderators: a new invite link (its token is shown once). */
  inviteLink(roomId: string): Promise<ApiResult<{ token: string; path: string }>>;
  acceptInvite(token: string): Promise<ApiResult<{ room: { id: string; title: string } }>>;
  /** Moderators: remove, ban or mute (for `minutes`, or until lifted) a member. */
  moderate(
    roomId: string,
    userId: string,
    action: 'remove' | 'ban' | 'mute',
    minutes?: number,
  ): Promise<ApiResult<{ ok: boolean }>>;
  join(roomId: string): Promise<ApiResult<{ joined: boolean }>>;
  leave(roomId: string): Promise<ApiResult<{ joined: boolean }>>;
  /** Finds or opens the DM among you and these people (1 to 8 others). */
  openDm(userIds: string[]): Promise<ApiResult<{ room: ApiRoom; created: boolean }>>;
  /** People to message, by the start of their username (never you). */
  searchUsers(q: string): Promise<ApiResult<{ users: ApiPerson[] }>>;
  settings(): Promise<ApiResult<{ settings: ApiSettings }>>;
  updateSettings(patch: Partial<ApiSettings>): Promise<ApiResult<{ settings: ApiSettings }>>;
  /** A page of history, ascending; `before` is exclusive. */
  messages(roomId: string, options: { before?: number; limit?: number }): Promise<ApiResult<MessagesPage>>;
  /** Members whose name starts with `q`, for `@` completion. */
  members(roomId: string, q: string): Promise<ApiResult<{ members: ApiMember[] }>>;
  /** The signed-in user's jobs of the last 24 hours. */
  jobs(): Promise<ApiResult<{ jobs: JobView[] }>>;
  /** Starts the download demo: a job in the server that builds a file in steps. */
  startDownload(): Promise<ApiResult<{ job: JobView }>>;
  /** Admins only (403 otherwise), like the two below. */
  apiKeys(): Promise<ApiResult<{ keys: ApiKeyView[] }>>;
  /** The token is in this answer and nowhere else, ever. */
  createApiKey(body: CreateKeyBody): Promise<ApiResult<{ key: ApiKeyView; token: string }>>;
  revokeApiKey(id: string): Promise<ApiResult<null>>;

  // Customer support, for admins: sites (where the widget may run) and who is an agent.
  sites(): Promise<ApiResult<{ sites: SiteView[] }>>;
  createSite(body: SiteBody): Promise<ApiResult<{ site: SiteView }>>;
  updateSite(id: string, body: Partial<SiteBody>): Promise<ApiResult<{ site: SiteView }>>;
  users(): Promise<ApiResult<{ users: AdminUser[] }>>;
  setRole(id: string, role: Role): Promise<ApiResult<{ user: AdminUser }>>;
  /** Suspends an account (its connections close at once) or lifts the suspension. */
  setStatus(id: string, status: 'active' | 'suspended'): Promise<ApiResult<{ user: AdminUser }>>;
  /** Deletes an account for good; its messages stay. */
  deleteUser(id: string): Promise<ApiResult<null>>;

  // The agent console (agents and admins).
  conversations(
    status?: ConversationStatus,
  ): Promise<ApiResult<{ items: ConversationView[]; queueHead: number }>>;
  conversation(
    id: string,
  ): Promise<ApiResult<{ conversation: ConversationView; visitor: VisitorContext | null }>>;
  conversationMessages(
    id: string,
    options: { before?: number; limit?: number },
  ): Promise<ApiResult<MessagesPage>>;
  conversationNotes(
    id: string,
    options: { before?: number; limit?: number },
  ): Promise<ApiResult<MessagesPage>>;
  canned(): Promise<ApiResult<{ canned: CannedResponse[] }>>;
  createCanned(body: { shortcut: string; text: string }): Promise<ApiResult<{ canned: CannedResponse }>>;
  deleteCanned(id: string): Promise<ApiResult<null>>;
  agents(): Promise<ApiResult<{ agents: AgentView[] }>>;
  setAvailability(availability: Availability): Promise<ApiResult<{ availability: Availability }>>;
}

const pageQuery = ({ before, limit }: { before?: number; limit?: number }): string => {
  const query = new URLSearchParams();
  if (before !== undefined) query.set('before', String(before));
  if (limit !== undefined) query.set('limit', String(limit));
  const qs = query.toString();
  return qs ? `?${qs}` : '';
};

function errorOf(status: number, body: unknown): { code: string; message: string } {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const error = (body as { error: unknown }).error;
    if (typeof error === 'object' && error !== null) {
      const { code, message } = error as { code?: unknown; message?: unknown };
      if (typeof message === 'string') return { code: typeof code === 'string' ? code : 'unknown', message };
    }
  }
  return { code: 'unknown', message: `the server answered ${status}` };
}

export function createApi(fetchImpl: typeof fetch = (...args) => fetch(...args)): Api {
  async function call<T>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<ApiResult<T>> {
    let res: Response;
    try {
      res = await fetchImpl(path, {
        method,
        credentials: 'same-origin',
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      return { ok: false, status: 0, code: 'network', message: '' };
    }
    let parsed: unknown = null;
    if (res.status !== 204) {
      try {
        parsed = await res.json();
      } catch {
        parsed = null;
      }
    }
    if (!res.ok) return { ok: false, status: res.status, ...errorOf(res.status, parsed) };
    return { ok: true, value: parsed as T };
  }

  const room = (id: string) => `/api/rooms/${encodeURIComponent(id)}`;
  const conv = (id: string) => `/api/support/conversations/${encodeURIComponent(id)}`;

  return {
    me: () => call('GET', '/api/me'),
    register: (body) => call('POST', '/api/auth/register', body),
    login: (body) => call('POST', '/api/auth/login', body),
    logout: () => call('POST', '/api/auth/logout', {}),
    rooms: () => call('GET', '/api/rooms'),
    createRoom: (body: Partial<CreateRoomBody> & { title: string }) => call('POST', '/api/rooms', body),
    join: (id) => call('POST', `${room(id)}/join`, {}),
    invite: (id, username) => call('POST', `${room(id)}/members`, { username }),
    inviteLink: (id) => call('POST', `${room(id)}/invite-links`, {}),
    acceptInvite: (token) => call('POST', `/api/invites/${encodeURIComponent(token)}/accept`, {}),
    moderate: (id, userId, action, minutes) =>
      call('POST', `${room(id)}/members/${encodeURIComponent(userId)}/${action}`, minutes ? { minutes } : {}),
    leave: (id) => call('POST', `${room(id)}/leave`, {}),
    messages: (id, options) => call('GET', `${room(id)}/messages${pageQuery(options)}`),
    members: (id, q) => call('GET', `${room(id)}/members?q=${encodeURIComponent(q)}&limit=8`),
    openDm: (userIds) => call('POST', '/api/dms', { userIds }),
    searchUsers: (q) => call('GET', `/api/users?q=${encodeURIComponent(q)}`),
    settings: () => call('GET', '/api/me/settings'),
    updateSettings: (patch) => call('PATCH', '/api/me/settings', patch),
    jobs: () => call('GET', '/api/jobs'),
    startDownload: () => call('POST', '/api/demo/download', {}),
    apiKeys: () => call('GET', '/api/admin/keys'),
    createApiKey: (body) => call('POST', '/api/admin/keys', body),
    revokeApiKey: (id) => call('DELETE', `/api/admin/keys/${encodeURIComponent(id)}`),
    sites: () => call('GET', '/api/admin/sites'),
    createSite: (body) => call('POST', '/api/admin/sites', body),
    updateSite: (id, body) => call('PATCH', `/api/admin/sites/${encodeURIComponent(id)}`, body),
    users: () => call('GET', '/api/admin/users'),
    setRole: (id, role) => call('PATCH', `/api/admin/users/${encodeURIComponent(id)}`, { role }),
    setStatus: (id, status) => call('PUT', `/api/admin/users/${encodeURIComponent(id)}/status`, { status }),
    deleteUser: (id) => call('DELETE', `/api/admin/users/${encodeURIComponent(id)}`),
    conversations: (status) =>
      call('GET', `/api/support/conversations${status ? `?status=${encodeURIComponent(status)}` : ''}`),
    conversation: (id) => call('GET', conv(id)),
    conversationMessages: (id, options) => call('GET', `${conv(id)}/messages${pageQuery(options)}`),
    conversationNotes: (id, options) => call('GET', `${conv(id)}/notes${pageQuery(options)}`),
    canned: () => call('GET', '/api/support/canned'),
    createCanned: (body) => call('POST', '/api/support/canned', body),
    deleteCanned: (id) => call('DELETE', `/api/support/canned/${encodeURIComponent(id)}`),
    agents: () => call('GET', '/api/support/agents'),
    setAvailability: (availability) => call('PUT', '/api/support/availability', { availability }),
  };
}

/**
 * Who is on the other end of a connection: a signed-in user, or a support widget's visitor.
 * The hub treats both the same way (streams, sends, presence, read positions); access rules tell
 * them apart.
 */
import type { AuthSession, Role } from '../storage/storage.js';

export interface Identity {
  /** A user's id, or `v.<visitorId>` for a support visitor (a dot never occurs in user ids). */
  id: string;
  name: string;
  role: Role | 'visitor';
  /** The sign-in session of a user: signing out closes its connections. */
  sessionId: string | null;
  /** Support visitors only. */
  visitor?: { id: string; siteId: string };
}

export const userIdentity = (auth: AuthSession): Identity => ({
  id: auth.user.id,
  name: auth.user.username,
  role: auth.user.role,
  sessionId: auth.sessionId,
});

export const visitorIdentityId = (visitorId: string): string => `v.${visitorId}`;

export const isAgent = (identity: Identity): boolean =>
  identity.role === 'agent' || identity.role === 'admin';

/** What a client may present in `hello`, plus the site its connection was opened for. */
export interface Credentials {
  token?: string;
  visitor?: string;
  /** The widget's site key (from the URL of the socket or poll), for visitors. */
  site?: string | null;
}

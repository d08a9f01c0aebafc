/** Sign-in sessions: a random token in the cookie, its hash in storage. */
import type { AuthSession, SessionStore } from '../storage/storage.js';
import { hashToken, newSessionToken, SESSION_TTL_MS } from './tokens.js';

export interface Sessions {
  resolve(token: string): Promise<AuthSession | null>;
  create(userId: string): Promise<{ token: string; sessionId: string; expiresAt: number }>;
  destroy(sessionId: string): Promise<void>;
}

export function createSessions(store: SessionStore): Sessions {
  return {
    async resolve(token) {
      if (!token || token.length > 200) return null;
      return store.sessionByTokenHash(hashToken(token), Date.now());
    },
    async create(userId) {
      const token = newSessionToken();
      const expiresAt = Date.now() + SESSION_TTL_MS;
      const sessionId = await store.createSession({ tokenHash: hashToken(token), userId, expiresAt });
      return { token, sessionId, expiresAt };
    },
    destroy: (sessionId) => store.deleteSession(sessionId),
  };
}

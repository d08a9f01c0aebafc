/** Who is signed in: unknown while checking, then a user or null. */
import { type ReadonlySignal, signal } from '@preact/signals';
import type { ApiUser } from '../../../shared/api.js';
import type { Api, ApiResult } from '../api.js';

export interface Session {
  /** undefined while the first check runs. */
  readonly user: ReadonlySignal<ApiUser | null | undefined>;
  check(): Promise<void>;
  /** `setupCode`: only for the first account from another machine (the server asks for it). */
  signIn(
    mode: 'login' | 'register',
    username: string,
    password: string,
    setupCode?: string,
  ): Promise<ApiResult<unknown>>;
  signOut(): Promise<void>;
  /** The server said the session is gone (the socket closed with unauthorized or signed_out). */
  lost(): void;
}

export function createSession(api: Api): Session {
  const user = signal<ApiUser | null | undefined>(undefined);
  return {
    user,
    async check() {
      const result = await api.me();
      // Any failure (401, or no answer at all) shows the sign-in form, which reports its own errors.
      user.value = result.ok ? result.value.user : null;
    },
    async signIn(mode, username, password, setupCode) {
      const result = await (mode === 'login' ? api.login : api.register)({
        username,
        password,
        ...(setupCode ? { setupCode } : {}),
      });
      if (result.ok) user.value = result.value.user;
      return result;
    },
    async signOut() {
      await api.logout();
      user.value = null;
    },
    lost() {
      user.value = null;
    },
  };
}

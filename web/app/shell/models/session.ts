/** Who is signed in: unknown while checking, then a user or null. */
import { type ReadonlySignal, signal } from '@preact/signals';
import type { ApiUser } from '../../../../shared/api.js';
import type { Api, ApiResult } from '../../common/api.js';
import type { SessionEnd } from '../../common/i18n.js';

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
  /**
   * The server said the session is gone (the socket closed with unauthorized, signed_out, or the
   * account was suspended or deleted): `why`, shown on the sign-in page until the next sign-in.
   */
  lost(why?: SessionEnd): void;
  readonly endedBy: ReadonlySignal<SessionEnd | null>;
}

export function createSession(api: Api): Session {
  const user = signal<ApiUser | null | undefined>(undefined);
  const endedBy = signal<SessionEnd | null>(null);
  return {
    user,
    endedBy,
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
      if (result.ok) {
        endedBy.value = null;
        user.value = result.value.user;
      }
      return result;
    },
    async signOut() {
      await api.logout();
      user.value = null;
    },
    lost(why) {
      endedBy.value = why ?? null;
      user.value = null;
    },
  };
}

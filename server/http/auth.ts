/** Accounts: register, sign in, sign out, and who am I. */

import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { type ApiUser, CredentialsBody } from '../../shared/api.js';
import { dummyHash, hashPassword, verifyPassword } from '../auth/password.js';
import type { Sessions } from '../auth/sessions.js';
import { SESSION_COOKIE, SESSION_TTL_MS } from '../auth/tokens.js';
import { checkUsername, usernameKey } from '../auth/username.js';
import type { Broker } from '../broker/broker.js';
import type { Hub } from '../hub/hub.js';
import type { Logger } from '../log.js';
import { DEFAULT_ROOM_ID } from '../seed.js';
import type { Storage, User } from '../storage/storage.js';
import { type AppEnv, apiError, readJson } from './env.js';
import type { OriginPolicy } from './origin.js';

export interface AuthDeps {
  storage: Storage;
  sessions: Sessions;
  broker: Broker;
  hub: Hub;
  origins: OriginPolicy;
  log: Logger;
}

export const apiUser = (user: User): ApiUser => ({ id: user.id, username: user.username, role: user.role });

export function authRoutes(deps: AuthDeps): Hono<AppEnv> {
  const { storage, sessions, log } = deps;

  const signIn = async (c: Context<AppEnv>, user: User) => {
    const { token } = await sessions.create(user.id);
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      secure: deps.origins.selfOrigin(c.req).startsWith('https:'),
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
    });
  };

  return new Hono<AppEnv>()
    .post('/register', async (c) => {
      const body = await readJson(c, CredentialsBody);
      if (!body.ok) return body.response;
      const name = checkUsername(body.value.username);
      if (!name.ok) {
        const code = name.reason === 'invisible' ? 'invisible_character' : 'invalid_request';
        return apiError(c, 400, code, name.message);
      }
      const passwordHash = await hashPassword(body.value.password);
      const created = await storage.createUser({
        username: name.username,
        usernameKey: name.key,
        usernameSkeletons: name.skeletons,
        passwordHash,
      });
      if (created.status === 'taken') {
        return apiError(c, 409, 'username_taken', `the username "${name.username}" is taken; pick another`);
      }
      if (created.status === 'confusable') {
        // NOTE: the existing name is not echoed back: "too similar" is all a stranger needs.
        return apiError(
          c,
          409,
          'username_confusable',
          `the username "${name.username}" looks too much like an existing one; pick another`,
        );
      }
      await storage.joinRoom(DEFAULT_ROOM_ID, created.user.id);
      await signIn(c, created.user);
      log.info('user.register', { user: created.user.username, role: created.user.role });
      return c.json({ user: apiUser(created.user) }, 201);
    })
    .post('/login', async (c) => {
      const body = await readJson(c, CredentialsBody);
      if (!body.ok) return body.response;
      const key = usernameKey(body.value.username);
      const rate = await deps.broker.consume(`login:${key}`, { burst: 10, refillMs: 30_000 });
      if (!rate.ok) {
        c.header('Retry-After', String(Math.ceil(rate.retryAfterMs / 1000)));
        return apiError(c, 429, 'rate_limited', 'too many sign-in attempts; wait and try again');
      }
      const user = await storage.userByKey(key);
      const valid = await verifyPassword(body.value.password, user?.passwordHash ?? (await dummyHash));
      if (!user || !valid) {
        return apiError(c, 401, 'invalid_credentials', 'the username or password is wrong');
      }
      await signIn(c, user);
      log.info('user.login', { user: user.username });
      return c.json({ user: apiUser(user) });
    })
    .post('/logout', async (c) => {
      const auth = c.get('auth');
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      if (auth) {
        await sessions.destroy(auth.sessionId);
        deps.hub.revokeSession(auth.user.id, auth.sessionId);
        log.info('user.logout', { user: auth.user.username });
      }
      return c.body(null, 204);
    });
}

/** GET /api/me: who the session cookie belongs to (401 when signed out). */
export function meRoutes(): Hono<AppEnv> {
  return new Hono<AppEnv>().get('/', (c) => {
    const auth = c.get('auth');
    if (!auth) return apiError(c, 401, 'unauthorized', 'not signed in');
    return c.json({ user: apiUser(auth.user) });
  });
}

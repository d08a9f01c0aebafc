/** Accounts: register, sign in, sign out, and who am I. */

import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { type ApiUser, CredentialsBody } from '../../shared/api.js';
import { dummyHash, hashPassword, verifyPassword } from '../auth/password.js';
import type { Sessions } from '../auth/sessions.js';
import { SESSION_COOKIE, SESSION_TTL_MS } from '../auth/tokens.js';
import { checkUsername, usernameKey } from '../auth/username.js';
import type { Broker, RateRule } from '../broker/broker.js';
import type { Hub } from '../hub/hub.js';
import type { Logger } from '../log.js';
import type { Refusals } from '../refusals.js';
import { DEFAULT_ROOM_ID } from '../seed.js';
import type { Storage, User } from '../storage/storage.js';
import { isLoopback } from './client-ip.js';
import { type AppEnv, apiError, readJson } from './env.js';
import type { OriginPolicy } from './origin.js';
import { ipOf, throttle } from './throttle.js';

export interface AuthDeps {
  storage: Storage;
  sessions: Sessions;
  broker: Broker;
  hub: Hub;
  origins: OriginPolicy;
  log: Logger;
  refusals: Refusals;
  trustProxy: boolean;
  throttles: { signup: RateRule; login: RateRule };
  /**
   * The code the server printed at start while it had no account: registering the first account
   * (the admin) from anywhere but this machine needs it. Null once there are accounts.
   */
  setupCode?: string | null;
}

/**
 * Attempts at one account from one address: a third of the address's burst, refilled three times
 * as slowly (10, then one per 30 s, by default). Per account alone, an attacker failing on purpose
 * would lock the owner out; per (account, address), the owner's own address keeps its tokens.
 */
const accountAttempts = (login: RateRule): RateRule => ({
  burst: Math.max(1, Math.ceil(login.burst / 3)),
  refillMs: login.refillMs * 3,
});

const sameCode = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

export const apiUser = (user: User): ApiUser => ({ id: user.id, username: user.username, role: user.role });

export function authRoutes(deps: AuthDeps): Hono<AppEnv> {
  const { storage, sessions, log } = deps;
  // Whether an account exists; once true it stays true, so it is read at most until then.
  let hasAccounts = !deps.setupCode;

  /**
   * A fresh install's first account becomes the admin. From a DNS-rebinding page or a stranger on
   * the network that would be a takeover, so it needs a loopback address or the setup code.
   */
  const firstAccountRefusal = async (c: Context<AppEnv>, code: string | undefined) => {
    if (hasAccounts) return null;
    hasAccounts = (await storage.listUsers()).length > 0;
    if (hasAccounts || isLoopback(ipOf(c, deps.trustProxy))) return null;
    if (code !== undefined && deps.setupCode && sameCode(code, deps.setupCode)) return null;
    deps.refusals.note('setup_code', {});
    return apiError(
      c,
      403,
      'setup_code_required',
      code === undefined
        ? 'the first account becomes the admin: send the setup code the server printed at start (setupCode), or register from the server machine'
        : 'the setup code is wrong; copy it from the server’s start-up output',
    );
  };

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
      // After the cheap checks (a typo does not spend a token), before the costly hash.
      const ip = ipOf(c, deps.trustProxy);
      const limited = await throttle(c, deps, [
        {
          key: `signup:${ip}`,
          rule: deps.throttles.signup,
          what: 'sign-ups from one address',
          reason: 'signup',
        },
      ]);
      if (limited) return limited;
      const refused = await firstAccountRefusal(c, body.value.setupCode);
      if (refused) return refused;
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
      hasAccounts = true;
      await storage.joinRoom(DEFAULT_ROOM_ID, created.user.id);
      await signIn(c, created.user);
      log.info('user.register', { user: created.user.username, role: created.user.role });
      return c.json({ user: apiUser(created.user) }, 201);
    })
    .post('/login', async (c) => {
      const body = await readJson(c, CredentialsBody);
      if (!body.ok) return body.response;
      const key = usernameKey(body.value.username);
      const ip = ipOf(c, deps.trustProxy);
      const limited = await throttle(c, deps, [
        {
          key: `login-ip:${ip}`,
          rule: deps.throttles.login,
          what: 'sign-in attempts from one address',
          reason: 'login_address',
        },
        {
          key: `login:${key}:${ip}`,
          rule: accountAttempts(deps.throttles.login),
          what: 'sign-in attempts at this account from one address',
          reason: 'login_account',
        },
      ]);
      if (limited) return limited;
      const user = await storage.userByKey(key);
      const valid = await verifyPassword(body.value.password, user?.passwordHash ?? (await dummyHash));
      // A deleted account answers as if there were none.
      if (!user || !valid || user.status === 'deleted') {
        return apiError(c, 401, 'invalid_credentials', 'the username or password is wrong');
      }
      if (user.status === 'suspended') {
        return apiError(c, 403, 'account_suspended', 'an admin suspended this account; ask them to lift it');
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
    })
    .post('/logout-all', async (c) => {
      // Every session of this account ends, here and on every other device and process.
      const auth = c.get('auth');
      if (!auth) return apiError(c, 401, 'unauthorized', 'not signed in');
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      const ended = await storage.deleteUserSessions(auth.user.id);
      deps.hub.closeUser(auth.user.id, 'signed_out');
      log.info('user.logout_all', { user: auth.user.username, sessions: ended.length });
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

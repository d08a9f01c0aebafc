/**
 * `GET /api/me/settings` and `PATCH /api/me/settings {readReceipts?}`: what the signed-in user
 * chose for themself. Turning read receipts back on sends this user's connections the "seen" of
 * every DM as of now, since receipts made while it was off were never sent to them.
 */
import { Hono } from 'hono';
import { type ApiSettings, SettingsBody } from '../../shared/api.js';
import type { Broker, RateRule } from '../broker/broker.js';
import type { Hub } from '../hub/hub.js';
import type { Logger } from '../log.js';
import type { Refusals } from '../refusals.js';
import type { Storage } from '../storage/storage.js';
import { type AppEnv, apiError, readJson, userOf } from './env.js';
import { throttle } from './throttle.js';

export interface SettingsDeps {
  storage: Storage;
  hub: Hub;
  broker: Broker;
  log: Logger;
  refusals: Refusals;
  trustProxy: boolean;
}

/** Settings changes one user may make at once, then one per 2 s. */
export const SETTINGS_RATE: RateRule = { burst: 10, refillMs: 2000 };

export function settingsRoutes(deps: SettingsDeps): Hono<AppEnv> {
  const { storage, hub, log } = deps;
  const app = new Hono<AppEnv>();

  app.use('*', async (c, next) => {
    if (!c.get('auth')) return apiError(c, 401, 'unauthorized', 'sign in to see your settings');
    await next();
  });

  app.get('/', async (c) => {
    const settings: ApiSettings | null = await storage.userSettings(userOf(c).id);
    if (!settings) return apiError(c, 401, 'unauthorized', 'sign in to see your settings');
    return c.json({ settings });
  });

  app.patch('/', async (c) => {
    const me = userOf(c);
    const limited = await throttle(c, deps, [
      { key: `settings:${me.id}`, rule: SETTINGS_RATE, what: 'settings changes', reason: 'settings' },
    ]);
    if (limited) return limited;
    const body = await readJson(c, SettingsBody);
    if (!body.ok) return body.response;
    const before = await storage.userSettings(me.id);
    const settings = await storage.updateUserSettings(me.id, body.value);
    if (!before || !settings) return apiError(c, 401, 'unauthorized', 'sign in to change your settings');
    if (settings.readReceipts && !before.readReceipts) {
      hub.receipts
        .resend(me.id)
        .catch((err) => log.error('receipt.resend_failed', { user: me.username, error: String(err) }));
    }
    return c.json({ settings });
  });

  return app;
}

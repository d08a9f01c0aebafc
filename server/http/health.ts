import { Hono } from 'hono';
import type { HealthBody } from '../../shared/api.js';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import type { Broker } from '../broker/broker.js';
import { errorText } from '../log.js';
import type { Storage } from '../storage/storage.js';
import type { AppEnv } from './env.js';

export const VERSION = '0.1.0';

export function healthRoutes(deps: { storage: Storage; broker: Broker }): Hono<AppEnv> {
  return new Hono<AppEnv>().get('/', async (c) => {
    const storage = await deps.storage.head('health:probe').then(
      () => ({ name: deps.storage.name, ok: true }),
      (err: unknown) => ({ name: deps.storage.name, ok: false, detail: errorText(err) }),
    );
    const brokerHealth = deps.broker.health?.() ?? { ok: true, detail: 'in process' };
    const body: HealthBody = {
      ok: storage.ok,
      version: VERSION,
      protocol: PROTOCOL_VERSION,
      storage,
      broker: { name: deps.broker.name, ...brokerHealth },
    };
    // 503 only when storage is unreachable: without the broker a process still commits and acks.
    return c.json(body, storage.ok ? 200 : 503);
  });
}

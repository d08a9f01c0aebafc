import { Hono } from 'hono';
import type { HealthBody } from '../../shared/api.js';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import type { Broker } from '../broker/broker.js';
import type { Storage } from '../storage/storage.js';
import type { AppEnv } from './env.js';

export const VERSION = '0.1.0';

export function healthRoutes(deps: { storage: Storage; broker: Broker }): Hono<AppEnv> {
  return new Hono<AppEnv>().get('/', (c) => {
    const body: HealthBody = {
      ok: true,
      version: VERSION,
      protocol: PROTOCOL_VERSION,
      storage: deps.storage.name,
      broker: deps.broker.name,
    };
    return c.json(body);
  });
}

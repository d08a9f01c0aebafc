/** Admin: API keys (shown once, stored hashed, named, revocable) and roles. */
import { Hono } from 'hono';
import { type ApiKeyView, CreateKeyBody } from '../../shared/api.js';
import type { Logger } from '../log.js';
import { hashSecret, newApiKey } from '../push/keys.js';
import type { Storage } from '../storage/storage.js';
import { type AppEnv, apiError, readJson, userOf } from './env.js';

export function adminRoutes(deps: { storage: Storage; log: Logger }): Hono<AppEnv> {
  const { storage, log } = deps;
  const app = new Hono<AppEnv>();

  app.use('*', async (c, next) => {
    const auth = c.get('auth');
    if (!auth) return apiError(c, 401, 'unauthorized', 'sign in first');
    if (auth.user.role !== 'admin') return apiError(c, 403, 'forbidden', 'only an admin may do this');
    await next();
  });

  app.get('/keys', async (c) => {
    const keys: ApiKeyView[] = await storage.listApiKeys();
    return c.json({ keys });
  });

  app.post('/keys', async (c) => {
    const body = await readJson(c, CreateKeyBody);
    if (!body.ok) return body.response;
    const { id, secret, token } = newApiKey();
    const key = await storage.createApiKey({
      id,
      name: body.value.name,
      secretHash: hashSecret(secret),
      scopes: [...new Set(body.value.scopes)],
      createdBy: userOf(c).id,
    });
    log.info('apikey.create', { key: id, by: userOf(c).username, scopes: key.scopes.join(',') });
    // The only time the secret is ever shown.
    return c.json({ key, token }, 201);
  });

  app.delete('/keys/:id', async (c) => {
    const id = c.req.param('id');
    if (!(await storage.revokeApiKey(id, Date.now()))) {
      return apiError(c, 404, 'not_found', 'no such key, or it was already revoked');
    }
    log.info('apikey.revoke', { key: id, by: userOf(c).username });
    return c.body(null, 204);
  });

  return app;
}

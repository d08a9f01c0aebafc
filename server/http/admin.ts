/**
 * Admin: API keys (shown once, stored hashed, named, revocable), roles, and accounts (suspend,
 * lift, delete). Every change to who someone is reaches their open connections on every process
 * at once, through the hub: a new role is acted on from the next frame, a suspended or deleted
 * account's connections close.
 */
import { type Context, Hono } from 'hono';
import {
  type ApiKeyView,
  CreateKeyBody,
  CreateSiteBody,
  RoleBody,
  type SiteView,
  StatusBody,
  UpdateSiteBody,
} from '../../shared/api.js';
import type { Hub } from '../hub/hub.js';
import { randomId } from '../ids.js';
import type { Logger } from '../log.js';
import { hashSecret, newApiKey } from '../push/keys.js';
import type { Site, Storage } from '../storage/storage.js';
import { originPatternProblem } from '../support/origins.js';
import type { Support } from '../support/service.js';
import type { SiteDirectory } from '../support/sites.js';
import { type AppEnv, apiError, readJson, userOf } from './env.js';

export interface AdminDeps {
  storage: Storage;
  hub: Hub;
  log: Logger;
  sites: SiteDirectory;
  support: Support;
  /** The server's public origin, for the embed snippet. */
  publicOrigin: (c: Context) => string;
}

export function adminRoutes(deps: AdminDeps): Hono<AppEnv> {
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

  const siteView = (site: Site, c: Context): SiteView => {
    const origin = deps.publicOrigin(c);
    return {
      ...site,
      snippet: `<script src="${origin}/widget.js" data-site="${site.key}" async></script>`,
    };
  };

  app.get('/sites', async (c) => c.json({ sites: (await storage.listSites()).map((s) => siteView(s, c)) }));

  app.post('/sites', async (c) => {
    const body = await readJson(c, CreateSiteBody);
    if (!body.ok) return body.response;
    const problem = body.value.allowedOrigins.map(originPatternProblem).find((p) => p !== null);
    if (problem) return apiError(c, 400, 'invalid_request', problem);
    const site = await storage.createSite({
      id: randomId(9),
      key: randomId(12),
      name: body.value.name,
      allowedOrigins: body.value.allowedOrigins,
      options: body.value.options,
    });
    log.info('site.create', { site: site.id, by: userOf(c).username });
    return c.json({ site: siteView(site, c) }, 201);
  });

  app.patch('/sites/:id', async (c) => {
    const body = await readJson(c, UpdateSiteBody);
    if (!body.ok) return body.response;
    const current = await storage.siteById(c.req.param('id'));
    if (!current) return apiError(c, 404, 'not_found', 'no such site');
    const problem = (body.value.allowedOrigins ?? []).map(originPatternProblem).find((p) => p !== null);
    if (problem) return apiError(c, 400, 'invalid_request', problem);
    const { options, ...rest } = body.value;
    const updated = await storage.updateSite(current.id, {
      ...rest,
      ...(options ? { options: { ...current.options, ...options } } : {}),
    });
    deps.sites.forget(current.key);
    deps.support.forgetSite(current.id);
    return c.json({ site: siteView(updated as Site, c) });
  });

  app.get('/users', async (c) => c.json({ users: await storage.listUsers() }));

  app.patch('/users/:id', async (c) => {
    const body = await readJson(c, RoleBody);
    if (!body.ok) return body.response;
    if (c.req.param('id') === userOf(c).id && body.value.role !== 'admin') {
      return apiError(c, 400, 'invalid_request', 'you cannot take away your own admin role');
    }
    const user = await storage.setRole(c.req.param('id'), body.value.role);
    if (!user) return apiError(c, 404, 'not_found', 'no such user');
    deps.hub.roleChanged(user.id, user.role);
    log.info('user.role', { user: user.username, role: user.role, by: userOf(c).username });
    return c.json({ user });
  });

  // The audit log of moderation and admin actions, newest first: `?before=<ms>&limit=<n>`.
  app.get('/audit', async (c) => {
    const limit = Number(c.req.query('limit') ?? 50);
    const beforeText = c.req.query('before');
    const before = beforeText === undefined ? undefined : Number(beforeText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200)
      return apiError(c, 400, 'invalid_request', 'limit must be a whole number from 1 to 200');
    if (before !== undefined && !Number.isInteger(before))
      return apiError(c, 400, 'invalid_request', 'before must be a time in ms since the epoch');
    return c.json({ entries: await storage.listAudit(before === undefined ? { limit } : { limit, before }) });
  });

  app.put('/users/:id/status', async (c) => {
    const body = await readJson(c, StatusBody);
    if (!body.ok) return body.response;
    const id = c.req.param('id');
    if (id === userOf(c).id) return apiError(c, 400, 'invalid_request', 'you cannot suspend yourself');
    const current = await storage.userById(id);
    if (!current || current.status === 'deleted') return apiError(c, 404, 'not_found', 'no such user');
    const user = (await storage.setUserStatus(id, body.value.status)) ?? current;
    if (user.status === 'suspended') deps.hub.closeUser(user.id, 'account_suspended');
    await storage.recordAudit({
      actorId: userOf(c).id,
      action: `user.${user.status === 'active' ? 'reinstate' : user.status === 'suspended' ? 'suspend' : 'delete'}`,
      targetUserId: user.id,
      roomId: null,
      details: {},
    });
    log.info('user.status', { user: user.username, status: user.status, by: userOf(c).username });
    return c.json({ user });
  });

  app.delete('/users/:id', async (c) => {
    const id = c.req.param('id');
    if (id === userOf(c).id) return apiError(c, 400, 'invalid_request', 'you cannot delete yourself');
    const current = await storage.userById(id);
    if (!current || current.status === 'deleted') return apiError(c, 404, 'not_found', 'no such user');
    await storage.setUserStatus(id, 'deleted');
    deps.hub.closeUser(id, 'account_deleted');
    log.info('user.delete', { user: current.username, by: userOf(c).username });
    return c.body(null, 204);
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

/**
 * The agent console's HTTP side: the queue (with the queue stream's head, to subscribe from),
 * one conversation's visitor context, history and notes, canned responses, availability.
 * Signed-in agents and admins only. Live changes come over the socket (queue and conversation
 * streams); these answer what a console needs when it opens or resyncs.
 */
import { Hono } from 'hono';
import { AvailabilityBody, CannedBody, type VisitorContext } from '../../shared/api.js';
import type { Broker } from '../broker/broker.js';
import { isAgent, userIdentity } from '../hub/identity.js';
import { randomId } from '../ids.js';
import type { Storage } from '../storage/storage.js';
import { convStream, notesStream, QUEUE_STREAM, type Support } from '../support/service.js';
import { type AppEnv, apiError, readJson, userOf } from './env.js';
import { historyPage } from './history.js';

const STATUSES = new Set(['open', 'pending', 'resolved']);

export function supportRoutes(deps: { storage: Storage; support: Support; broker: Broker }): Hono<AppEnv> {
  const { storage, support, broker } = deps;
  const app = new Hono<AppEnv>();

  app.use('*', async (c, next) => {
    const auth = c.get('auth');
    if (!auth) return apiError(c, 401, 'unauthorized', 'sign in first');
    if (!isAgent(userIdentity(auth)))
      return apiError(c, 403, 'forbidden', 'only agents may use the support console');
    await next();
  });

  app.get('/conversations', async (c) => {
    const status = c.req.query('status');
    if (status !== undefined && !STATUSES.has(status)) {
      return apiError(c, 400, 'invalid_request', 'status is open, pending or resolved');
    }
    // The head first: a change after it comes through the queue stream from this cursor.
    const queueHead = await storage.head(QUEUE_STREAM);
    const items = await support.list(status as 'open' | 'pending' | 'resolved' | undefined);
    return c.json({ items, queueHead });
  });

  app.get('/conversations/:id', async (c) => {
    const conversation = await storage.conversationById(c.req.param('id'));
    if (!conversation) return apiError(c, 404, 'not_found', 'no such conversation');
    const visitor = await storage.visitorById(conversation.visitorId);
    const context: VisitorContext | null = visitor
      ? {
          id: visitor.id,
          name: visitor.name,
          email: visitor.email,
          attributes: visitor.attributes,
          userAgent: visitor.userAgent,
          timezone: visitor.timezone,
          pages: await storage.pageViews(visitor.id, 20),
        }
      : null;
    return c.json({ conversation: await support.view(conversation), visitor: context });
  });

  app.get('/conversations/:id/messages', async (c) => {
    const conversation = await storage.conversationById(c.req.param('id'));
    if (!conversation) return apiError(c, 404, 'not_found', 'no such conversation');
    return historyPage(c, storage, convStream(conversation.id));
  });

  app.get('/conversations/:id/notes', async (c) => {
    const conversation = await storage.conversationById(c.req.param('id'));
    if (!conversation) return apiError(c, 404, 'not_found', 'no such conversation');
    return historyPage(c, storage, notesStream(conversation.id));
  });

  app.get('/canned', async (c) => c.json({ canned: await storage.listCanned() }));

  app.post('/canned', async (c) => {
    const body = await readJson(c, CannedBody);
    if (!body.ok) return body.response;
    const created = await storage.createCanned({ id: randomId(9), ...body.value });
    if (created === 'taken')
      return apiError(c, 409, 'invalid_request', `the shortcut /${body.value.shortcut} exists`);
    return c.json({ canned: created }, 201);
  });

  app.delete('/canned/:id', async (c) =>
    (await storage.deleteCanned(c.req.param('id')))
      ? c.body(null, 204)
      : apiError(c, 404, 'not_found', 'no such canned response'),
  );

  app.get('/agents', async (c) => {
    const online = new Set((await broker.presenceList(QUEUE_STREAM).catch(() => [])).map((u) => u.id));
    const agents = (await storage.listAgents()).map((a) => ({ ...a, connected: online.has(a.id) }));
    return c.json({ agents });
  });

  app.put('/availability', async (c) => {
    const body = await readJson(c, AvailabilityBody);
    if (!body.ok) return body.response;
    await storage.setAvailability(userOf(c).id, body.value.availability);
    return c.json({ availability: body.value.availability });
  });

  return app;
}

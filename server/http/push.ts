/**
 * POST /api/push: a backend pushes an event to a user, a room or a topic. It is answered 202 once
 * the event is committed to the target's log, so delivery rides the same cursors as chat: a
 * browser that was offline gets the event when it reconnects.
 */
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { type PushAccepted, PushBody } from '../../shared/api.js';
import { eventBody } from '../hub/frames.js';
import type { Hub } from '../hub/hub.js';
import { randomId } from '../ids.js';
import type { Logger } from '../log.js';
import { scopeAllows, targetStream } from '../push/scopes.js';
import type { Storage } from '../storage/storage.js';
import { type AppEnv, apiError, readJson } from './env.js';

/**
 * NOTE: Idempotency-Key rides the log's own uniqueness: the key's hash becomes the entry's
 * clientMsgId under the API key as sender, so a repeat with the same body finds the first entry
 * (and answers as the first time), and a different body is a conflict. Keys are kept as long as
 * the event is, which covers the promised 24 hours.
 */
const idempotencyId = (key: string): string =>
  `idem_${createHash('sha256').update(key).digest('base64url').slice(0, 40)}`;

export function pushRoutes(deps: { storage: Storage; hub: Hub; log: Logger }): Hono<AppEnv> {
  const { storage, hub, log } = deps;
  return new Hono<AppEnv>().post('/', async (c) => {
    const key = c.get('apiKey');
    if (!key) return apiError(c, 401, 'unauthorized', 'an API key is required');
    const idempotencyKey = c.req.header('idempotency-key');
    if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,200}$/.test(idempotencyKey)) {
      return apiError(c, 400, 'invalid_request', 'Idempotency-Key must be 1-200 printable ASCII characters');
    }
    const body = await readJson(c, PushBody);
    if (!body.ok) return body.response;
    const { target, event, data } = body.value;
    const stream = targetStream(target);
    if (!scopeAllows(key.scopes, stream)) {
      return apiError(
        c,
        403,
        'forbidden',
        `this key may not push to ${stream}; its scopes are ${key.scopes.join(', ')}`,
      );
    }
    if ('user' in target && !(await storage.userById(target.user))) {
      return apiError(c, 404, 'not_found', `no user ${target.user}`);
    }
    if ('room' in target && !(await storage.roomById(target.room))) {
      return apiError(c, 404, 'not_found', `no room ${target.room}`);
    }
    if ('visitor' in target && !(await storage.visitorById(target.visitor))) {
      return apiError(c, 404, 'not_found', `no visitor ${target.visitor}`);
    }
    const result = await hub.commit({
      stream,
      senderId: `key:${key.id}`,
      senderName: key.name,
      clientMsgId: idempotencyKey ? idempotencyId(idempotencyKey) : randomId(),
      kind: 'event',
      body: eventBody(event, data),
    });
    if (result.status === 'conflict') {
      return apiError(
        c,
        409,
        'idempotency_conflict',
        'this Idempotency-Key was already used with a different body; use a new key for a new event',
      );
    }
    if (result.status === 'duplicate') c.header('Idempotent-Replayed', 'true');
    else log.info('push.event', { key: key.id, stream, event, seq: result.entry.seq });
    const accepted: PushAccepted = { id: result.entry.id, seq: result.entry.seq, stream };
    return c.json(accepted, 202);
  });
}

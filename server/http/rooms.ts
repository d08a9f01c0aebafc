/** Rooms: the list with unread counts, create, join, leave, and history pages by seq. */
import { Hono } from 'hono';
import type { ApiMember, ApiRoom } from '../../shared/api.js';
import { CreateRoomBody } from '../../shared/api.js';
import { usernameKey } from '../auth/username.js';
import type { Broker, RateRule } from '../broker/broker.js';
import type { Hub } from '../hub/hub.js';
import type { Logger } from '../log.js';
import type { Storage } from '../storage/storage.js';
import { withPeople } from './dms.js';
import { type AppEnv, apiError, readJson, userOf } from './env.js';
import { historyPage } from './history.js';

export interface RoomDeps {
  storage: Storage;
  hub: Hub;
  log: Logger;
  broker: Broker;
}

/** Member look-ups (`@` completion) per user: a burst of 60, then one per 250 ms. */
export const MEMBER_SEARCH_RATE: RateRule = { burst: 60, refillMs: 250 };
/** Members per look-up, at most (and by default). */
export const MEMBER_SEARCH_LIMIT = 20;

const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function roomRoutes(deps: RoomDeps): Hono<AppEnv> {
  const { storage, hub, log, broker } = deps;
  const app = new Hono<AppEnv>();

  app.use('*', async (c, next) => {
    if (!c.get('auth')) return apiError(c, 401, 'unauthorized', 'sign in to see rooms');
    const id = c.req.param('id');
    if (id !== undefined && !ROOM_ID.test(id)) return apiError(c, 404, 'not_found', 'no such room');
    await next();
  });

  app.get('/', async (c) => {
    const rooms: ApiRoom[] = (await storage.listRooms(userOf(c).id)).map((r) => ({
      id: r.id,
      title: r.title,
      topic: r.topic,
      kind: r.kind,
      memberCount: r.memberCount,
      joined: r.joined,
      role: r.role,
      head: r.head,
      readSeq: r.readSeq,
      unread: r.unread,
      mentions: r.mentions,
    }));
    return c.json({ rooms: await withPeople(storage, userOf(c).id, rooms) });
  });

  app.post('/', async (c) => {
    const body = await readJson(c, CreateRoomBody);
    if (!body.ok) return body.response;
    const user = userOf(c);
    const room = await storage.createRoom({ ...body.value, createdBy: user.id });
    await storage.joinRoom(room.id, user.id, 'owner');
    hub.roomsChanged([user.id]);
    log.info('room.create', { room: room.id, kind: room.kind, user: user.username });
    return c.json({ room }, 201);
  });

  app.post('/:id/join', async (c) => {
    const id = c.req.param('id');
    // NOTE: a private room or a DM answers as if it did not exist; joining one takes an invitation.
    if ((await storage.roomById(id))?.kind !== 'public') return apiError(c, 404, 'not_found', 'no such room');
    if (await storage.activeSanction(id, userOf(c).id, 'ban', Date.now()))
      return apiError(c, 403, 'banned', 'a moderator banned you from this room');
    const joined = await storage.joinRoom(id, userOf(c).id);
    if (joined) {
      hub.roomsChanged([userOf(c).id]);
      log.info('room.join', { room: id, user: userOf(c).username });
    }
    return c.json({ joined: true });
  });

  app.post('/:id/leave', async (c) => {
    const id = c.req.param('id');
    const room = await storage.roomById(id);
    if (!room) return apiError(c, 404, 'not_found', 'no such room');
    const user = userOf(c);
    if (room.kind === 'dm') {
      // NOTE: the people of a DM are fixed: leaving would make it another set of people's DM.
      return (await storage.isMember(id, user.id))
        ? apiError(c, 400, 'invalid_request', 'the people in a direct message are fixed: it cannot be left')
        : apiError(c, 404, 'not_found', 'no such room');
    }
    if (await storage.leaveRoom(id, user.id)) {
      hub.membershipEnded(user.id, `room:${id}`);
      hub.roomsChanged([user.id]);
      log.info('room.leave', { room: id, user: user.username });
    }
    return c.json({ joined: false });
  });

  // Members whose name starts with `q` (any, without it), for `@` completion: members only.
  app.get('/:id/members', async (c) => {
    const id = c.req.param('id');
    const user = userOf(c);
    if (!(await storage.isMember(id, user.id))) {
      return (await storage.roomById(id))?.kind === 'public'
        ? apiError(c, 403, 'forbidden', 'join the room to see its members')
        : apiError(c, 404, 'not_found', 'no such room');
    }
    const q = c.req.query('q') ?? '';
    const limitText = c.req.query('limit');
    const limit = limitText === undefined ? MEMBER_SEARCH_LIMIT : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > MEMBER_SEARCH_LIMIT) {
      return apiError(
        c,
        400,
        'invalid_request',
        `limit must be a whole number from 1 to ${MEMBER_SEARCH_LIMIT}`,
      );
    }
    if (q.length > 64)
      return apiError(c, 400, 'invalid_request', `q is ${q.length} characters; the limit is 64`);
    const rate = await broker.consume(`members:${user.id}`, MEMBER_SEARCH_RATE);
    if (!rate.ok) {
      const seconds = Math.max(1, Math.ceil(rate.retryAfterMs / 1000));
      c.header('Retry-After', String(seconds));
      return apiError(c, 429, 'rate_limited', `too many member look-ups; try again in ${seconds} s`);
    }
    const found = await storage.searchMembers(id, usernameKey(q.replace(/^@/, '')), limit);
    const members: ApiMember[] = found.map((m) => ({ id: m.id, username: m.username, role: m.role }));
    return c.json({ members });
  });

  app.get('/:id/messages', async (c) => {
    const id = c.req.param('id');
    const user = userOf(c);
    if (!(await storage.isMember(id, user.id))) {
      return (await storage.roomById(id))?.kind === 'public'
        ? apiError(c, 403, 'forbidden', 'join the room to read its history')
        : apiError(c, 404, 'not_found', 'no such room');
    }
    return historyPage(c, storage, `room:${id}`);
  });

  return app;
}

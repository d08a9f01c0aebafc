/**
 * Direct messages: `POST /api/dms {userIds}` finds or opens the DM among you and those people.
 * A DM is a room of kind `dm` whose people are fixed (no join, leave or invitation), invisible to
 * everyone else (404, as a private room), one per set of people.
 */
import { Hono } from 'hono';
import { type ApiRoom, OpenDmBody } from '../../shared/api.js';
import type { Broker, RateRule } from '../broker/broker.js';
import type { Hub } from '../hub/hub.js';
import type { Logger } from '../log.js';
import type { Refusals } from '../refusals.js';
import { DM_MAX_PEOPLE, type Storage } from '../storage/storage.js';
import { type AppEnv, apiError, readJson, userOf } from './env.js';
import { throttle } from './throttle.js';

export interface DmDeps {
  storage: Storage;
  hub: Hub;
  broker: Broker;
  log: Logger;
  refusals: Refusals;
  trustProxy: boolean;
}

/** DMs one user may open (or find again) at once, then one more per 3 s. */
export const DM_OPEN_RATE: RateRule = { burst: 20, refillMs: 3000 };

/**
 * The DMs among `rooms` as `userId` sees them: with `people` (everyone else in it) and, as title,
 * their names. A DM whose others are all gone keeps the title it was made with.
 */
export async function withPeople(storage: Storage, userId: string, rooms: ApiRoom[]): Promise<ApiRoom[]> {
  const dms = rooms.filter((r) => r.kind === 'dm');
  if (dms.length === 0) return rooms;
  const members = await storage.dmMembers(dms.map((r) => r.id));
  for (const room of dms) {
    const people = (members.get(room.id) ?? [])
      .filter((m) => m.id !== userId)
      .map((m) => ({ id: m.id, username: m.username }));
    room.people = people;
    if (people.length > 0) room.title = people.map((p) => p.username).join(', ');
  }
  return rooms;
}

export function dmRoutes(deps: DmDeps): Hono<AppEnv> {
  const { storage, hub, log } = deps;
  const app = new Hono<AppEnv>();

  app.post('/', async (c) => {
    if (!c.get('auth')) return apiError(c, 401, 'unauthorized', 'sign in to send direct messages');
    const me = userOf(c);
    const limited = await throttle(c, deps, [
      { key: `dm:${me.id}`, rule: DM_OPEN_RATE, what: 'direct messages opened', reason: 'dm_open' },
    ]);
    if (limited) return limited;
    const body = await readJson(c, OpenDmBody);
    if (!body.ok) return body.response;

    const ids = [...new Set([me.id, ...body.value.userIds])];
    if (ids.length === 1) return apiError(c, 400, 'invalid_request', 'name someone other than yourself');
    if (ids.length > DM_MAX_PEOPLE) {
      return apiError(
        c,
        400,
        'too_many_people',
        `a direct message is for at most ${DM_MAX_PEOPLE} people, you included; this names ${ids.length}`,
      );
    }
    const people = [];
    for (const id of ids) {
      const user = await storage.userById(id);
      if (!user || user.status === 'deleted')
        return apiError(c, 404, 'user_not_found', `there is no user ${id}`);
      people.push(user);
    }

    const title = people
      .map((p) => p.username)
      .sort()
      .join(', ');
    const { room, created } = await storage.openDm({ userIds: ids, title, createdBy: me.id });
    if (created) {
      hub.roomsChanged(ids);
      log.info('dm.open', { room: room.id, people: ids.length, user: me.username });
    }
    const summary = (await storage.listRooms(me.id)).find((r) => r.id === room.id);
    const [view] = await withPeople(storage, me.id, [
      {
        id: room.id,
        title: room.title,
        topic: room.topic,
        kind: room.kind,
        memberCount: summary?.memberCount ?? ids.length,
        mentions: summary?.mentions ?? 0,
        joined: true,
        role: summary?.role ?? 'member',
        head: summary?.head ?? 0,
        readSeq: summary?.readSeq ?? 0,
        unread: summary?.unread ?? 0,
      },
    ]);
    return c.json({ room: view, created }, created ? 201 : 200);
  });

  return app;
}

/**
 * Room membership and moderation over HTTP (the SPA and bots use the same routes): invitations by
 * name and by link, room roles, and a moderator's remove, ban and mute. Each is checked against
 * the actor's room role at the moment it is asked, lands in the room's log as a `member` change
 * (so resume, polling and every process see it), reaches open connections at once (a removed or
 * banned member loses the stream on every process and transport), and is written to the audit log.
 */
import { type Context, Hono } from 'hono';
import * as v from 'valibot';
import type { RoomRole } from '../../shared/api.js';
import type { MemberChange } from '../../shared/protocol.js';
import { hashToken } from '../auth/tokens.js';
import { usernameKey } from '../auth/username.js';
import type { Broker, RateRule } from '../broker/broker.js';
import { changeBody } from '../hub/frames.js';
import type { Hub } from '../hub/hub.js';
import { randomId } from '../ids.js';
import type { Logger } from '../log.js';
import type { Storage, User } from '../storage/storage.js';
import { type AppEnv, apiError, readJson, userOf } from './env.js';

export interface ModerationDeps {
  storage: Storage;
  hub: Hub;
  broker: Broker;
  log: Logger;
}

/** Invitations, role changes and sanctions one person may make: 30 at once, then one per 2 s. */
export const MODERATION_RATE: RateRule = { burst: 30, refillMs: 2000 };
/** A mute or ban lasts at most a year; without a duration it lasts until lifted. */
const MAX_MINUTES = 525_600;
const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;

const Minutes = v.optional(
  v.pipe(
    v.number('minutes must be a number'),
    v.integer('minutes must be a whole number'),
    v.minValue(1, 'minutes must be at least 1'),
    v.maxValue(MAX_MINUTES, `minutes is at most ${MAX_MINUTES} (a year); leave it out for "until lifted"`),
  ),
);
const SanctionBody = v.object({ minutes: Minutes });
const InviteBody = v.object({ username: v.pipe(v.string('username must be a string'), v.maxLength(64)) });
const RoleChangeBody = v.object({
  role: v.picklist(['moderator', 'member'], 'role must be moderator or member'),
});
const LinkBody = v.object({ expiresInMinutes: Minutes });

const rank: Record<RoomRole, number> = { member: 0, moderator: 1, owner: 2 };

export function moderationRoutes(deps: ModerationDeps): Hono<AppEnv> {
  const { storage, hub, log } = deps;
  const app = new Hono<AppEnv>();

  app.use('*', async (c, next) => {
    if (!c.get('auth')) return apiError(c, 401, 'unauthorized', 'sign in first');
    const id = c.req.param('id');
    if (id !== undefined && !ROOM_ID.test(id)) return apiError(c, 404, 'not_found', 'no such room');
    await next();
  });

  /** The actor's authority in the room, or the refusal: 404 to outsiders of a private room. */
  async function authority(roomId: string, actor: User, need: RoomRole) {
    const room = await storage.roomById(roomId);
    const role = room ? await storage.memberRole(roomId, actor.id) : null;
    if (!room || (room.kind !== 'public' && role === null && actor.role !== 'admin')) {
      return { error: [404, 'not_found', 'no such room'] as const };
    }
    if (room.kind === 'dm')
      return { error: [403, 'forbidden', 'a direct message has no moderators'] as const };
    // A site admin moderates any room, as an owner would.
    const effective: RoomRole | null = actor.role === 'admin' ? 'owner' : role;
    if (effective === null || rank[effective] < rank[need]) {
      return { error: [403, 'forbidden', `only a room ${need} may do this`] as const };
    }
    return { room, role: effective };
  }

  async function limited(actorId: string) {
    const rate = await deps.broker.consume(`moderate:${actorId}`, MODERATION_RATE);
    return rate.ok ? null : rate.retryAfterMs;
  }

  /** Appends the change to the room's log (seen live and on resume) and writes the audit entry. */
  async function record(
    roomId: string,
    actor: User,
    change: MemberChange,
    details: Record<string, number | string | null> = {},
  ) {
    await hub.commit({
      stream: `room:${roomId}`,
      senderId: actor.id,
      senderName: actor.username,
      clientMsgId: `m-${randomId(12)}`,
      kind: 'change',
      body: changeBody(change),
    });
    await storage.recordAudit({
      actorId: actor.id,
      action: `room.${change.action}`,
      targetUserId: change.user.id,
      roomId,
      details,
    });
    log.info('room.moderation', {
      room: roomId,
      action: change.action,
      user: change.user.name,
      by: actor.username,
    });
  }

  /** Moderation of a member: the actor outranks the target (a moderator cannot act on an owner). */
  const onMember =
    (
      need: RoomRole,
      act: (ctx: {
        roomId: string;
        actor: User;
        target: User;
        minutes: number | undefined;
      }) => Promise<Response | null>,
    ) =>
    async (c: Context<AppEnv>) => {
      const roomId = c.req.param('id') as string;
      const actor = userOf(c);
      const found = await authority(roomId, actor, need);
      if ('error' in found)
        return apiError(c, ...(found.error as [404 | 403, 'not_found' | 'forbidden', string]));
      const retry = await limited(actor.id);
      if (retry !== null) {
        c.header('Retry-After', String(Math.ceil(retry / 1000)));
        return apiError(
          c,
          429,
          'rate_limited',
          `too many moderation actions; wait ${Math.ceil(retry / 1000)} s`,
        );
      }
      const target = await storage.userById(c.req.param('userId') as string);
      if (!target || target.status === 'deleted') return apiError(c, 404, 'user_not_found', 'no such user');
      if (target.id === actor.id) return apiError(c, 400, 'invalid_request', 'you cannot moderate yourself');
      const targetRole = await storage.memberRole(roomId, target.id);
      if (targetRole && rank[targetRole] >= rank[found.role] && actor.role !== 'admin') {
        return apiError(c, 403, 'forbidden', `a room ${found.role} cannot act on a room ${targetRole}`);
      }
      let minutes: number | undefined;
      if (c.req.method === 'POST' && c.req.header('content-type')?.includes('json')) {
        const body = await readJson(c, SanctionBody);
        if (!body.ok) return body.response;
        minutes = body.value.minutes;
      }
      return (await act({ roomId, actor, target, minutes })) ?? c.json({ ok: true });
    };

  const ref = (u: User) => ({ id: u.id, name: u.username });
  const untilOf = (minutes: number | undefined) =>
    minutes === undefined ? null : Date.now() + minutes * 60_000;

  app.post(
    '/:id/members/:userId/remove',
    onMember('moderator', async ({ roomId, actor, target }) => {
      if (!(await storage.leaveRoom(roomId, target.id))) return null;
      hub.membershipEnded(target.id, `room:${roomId}`);
      hub.roomsChanged([target.id]);
      await record(roomId, actor, { kind: 'member', user: ref(target), action: 'remove' });
      return null;
    }),
  );

  app.post(
    '/:id/members/:userId/ban',
    onMember('moderator', async ({ roomId, actor, target, minutes }) => {
      const until = untilOf(minutes);
      await storage.setSanction({ roomId, userId: target.id, kind: 'ban', until, by: actor.id });
      hub.membershipEnded(target.id, `room:${roomId}`);
      hub.roomsChanged([target.id]);
      await record(
        roomId,
        actor,
        { kind: 'member', user: ref(target), action: 'ban', until },
        { minutes: minutes ?? null },
      );
      return null;
    }),
  );

  app.delete(
    '/:id/members/:userId/ban',
    onMember('moderator', async ({ roomId, actor, target }) => {
      if (await storage.liftSanction(roomId, target.id, 'ban'))
        await record(roomId, actor, { kind: 'member', user: ref(target), action: 'unban' });
      return null;
    }),
  );

  app.post(
    '/:id/members/:userId/mute',
    onMember('moderator', async ({ roomId, actor, target, minutes }) => {
      const until = untilOf(minutes);
      await storage.setSanction({ roomId, userId: target.id, kind: 'mute', until, by: actor.id });
      hub.mutes.forget(roomId, target.id);
      await record(
        roomId,
        actor,
        { kind: 'member', user: ref(target), action: 'mute', until },
        { minutes: minutes ?? null },
      );
      return null;
    }),
  );

  app.delete(
    '/:id/members/:userId/mute',
    onMember('moderator', async ({ roomId, actor, target }) => {
      if (await storage.liftSanction(roomId, target.id, 'mute')) {
        hub.mutes.forget(roomId, target.id);
        await record(roomId, actor, { kind: 'member', user: ref(target), action: 'unmute' });
      }
      return null;
    }),
  );

  app.put('/:id/members/:userId/role', async (c) => {
    const body = await readJson(c, RoleChangeBody);
    if (!body.ok) return body.response;
    const role = body.value.role;
    return onMember('owner', async ({ roomId, actor, target }) => {
      if (!(await storage.setMemberRole(roomId, target.id, role)))
        return apiError(c, 404, 'user_not_found', `${target.username} is not a member of this room`);
      await record(roomId, actor, { kind: 'member', user: ref(target), action: 'role', role }, { role });
      return null;
    })(c);
  });

  // Invitations: a moderator adds someone by name, or makes a link anyone signed in may accept.
  app.post('/:id/members', async (c) => {
    const roomId = c.req.param('id');
    const actor = userOf(c);
    const body = await readJson(c, InviteBody);
    if (!body.ok) return body.response;
    const found = await authority(roomId, actor, 'moderator');
    if ('error' in found)
      return apiError(c, ...(found.error as [404 | 403, 'not_found' | 'forbidden', string]));
    const retry = await limited(actor.id);
    if (retry !== null)
      return apiError(c, 429, 'rate_limited', `too many invitations; wait ${Math.ceil(retry / 1000)} s`);
    const target = await storage.userByKey(usernameKey(body.value.username));
    if (!target || target.status === 'deleted')
      return apiError(c, 404, 'user_not_found', `no one is called ${body.value.username}`);
    if (await storage.activeSanction(roomId, target.id, 'ban', Date.now()))
      return apiError(c, 403, 'banned', `${target.username} is banned from this room; lift the ban first`);
    if (await storage.joinRoom(roomId, target.id)) {
      hub.roomsChanged([target.id]);
      await record(roomId, actor, { kind: 'member', user: ref(target), action: 'invite' });
    }
    return c.json({ joined: true }, 201);
  });

  app.post('/:id/invite-links', async (c) => {
    const roomId = c.req.param('id');
    const actor = userOf(c);
    const body = await readJson(c, LinkBody);
    if (!body.ok) return body.response;
    const found = await authority(roomId, actor, 'moderator');
    if ('error' in found)
      return apiError(c, ...(found.error as [404 | 403, 'not_found' | 'forbidden', string]));
    const retry = await limited(actor.id);
    if (retry !== null)
      return apiError(c, 429, 'rate_limited', `too many invite links; wait ${Math.ceil(retry / 1000)} s`);
    const token = randomId(18);
    const minutes = body.value.expiresInMinutes;
    const invite = await storage.createInvite({
      id: randomId(9),
      roomId,
      tokenHash: hashToken(token),
      createdBy: actor.id,
      expiresAt: minutes === undefined ? null : Date.now() + minutes * 60_000,
    });
    await storage.recordAudit({
      actorId: actor.id,
      action: 'room.invite_link',
      targetUserId: null,
      roomId,
      details: { invite: invite.id },
    });
    // The token is shown once; only its hash is stored.
    return c.json({ invite, token, path: `/invite/${token}` }, 201);
  });

  app.get('/:id/invite-links', async (c) => {
    const found = await authority(c.req.param('id'), userOf(c), 'moderator');
    if ('error' in found)
      return apiError(c, ...(found.error as [404 | 403, 'not_found' | 'forbidden', string]));
    return c.json({ invites: await storage.listInvites(found.room.id) });
  });

  app.delete('/:id/invite-links/:inviteId', async (c) => {
    const actor = userOf(c);
    const found = await authority(c.req.param('id'), actor, 'moderator');
    if ('error' in found)
      return apiError(c, ...(found.error as [404 | 403, 'not_found' | 'forbidden', string]));
    const inviteId = c.req.param('inviteId');
    const mine = (await storage.listInvites(found.room.id)).some((i) => i.id === inviteId);
    if (!mine || !(await storage.revokeInvite(inviteId, Date.now())))
      return apiError(c, 404, 'invite_invalid', 'no such invite link, or it was revoked already');
    await storage.recordAudit({
      actorId: actor.id,
      action: 'room.revoke_link',
      targetUserId: null,
      roomId: found.room.id,
      details: { invite: inviteId },
    });
    return c.json({ revoked: true });
  });

  return app;
}

/** `POST /api/invites/:token/accept`: join the room an invite link is for. */
export function inviteRoutes(deps: ModerationDeps): Hono<AppEnv> {
  const { storage, hub } = deps;
  const app = new Hono<AppEnv>();
  app.post('/:token/accept', async (c) => {
    if (!c.get('auth')) return apiError(c, 401, 'unauthorized', 'sign in to accept the invitation');
    const user = userOf(c);
    const rate = await deps.broker.consume(`moderate:${user.id}`, MODERATION_RATE);
    if (!rate.ok) return apiError(c, 429, 'rate_limited', 'too many attempts; wait a moment');
    const token = c.req.param('token');
    const invite = token.length <= 64 ? await storage.inviteByTokenHash(hashToken(token)) : null;
    const now = Date.now();
    if (!invite || invite.revokedAt !== null || (invite.expiresAt !== null && invite.expiresAt <= now))
      return apiError(
        c,
        404,
        'invite_invalid',
        'this invite link is unknown, expired or revoked; ask for a new one',
      );
    const room = await storage.roomById(invite.roomId);
    if (!room) return apiError(c, 404, 'invite_invalid', 'the room of this invite link is gone');
    if (await storage.activeSanction(room.id, user.id, 'ban', now))
      return apiError(c, 403, 'banned', 'a moderator banned you from this room');
    if (await storage.joinRoom(room.id, user.id)) {
      await storage.useInvite(invite.id);
      hub.roomsChanged([user.id]);
      await hub.commit({
        stream: `room:${room.id}`,
        senderId: user.id,
        senderName: user.username,
        clientMsgId: `m-${randomId(12)}`,
        kind: 'change',
        body: changeBody({ kind: 'member', user: { id: user.id, name: user.username }, action: 'join' }),
      });
    }
    return c.json({ room: { id: room.id, title: room.title, kind: room.kind } });
  });
  return app;
}

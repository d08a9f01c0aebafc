/**
 * Customer support on top of the hub: visitors of a site's widget chat with agents in
 * conversation streams (`conv:<id>`); agents also see private notes (`notes:<id>`) and a queue
 * stream (`queue:support`) in which every change to a conversation is an event. So the agent
 * console, like every client, resumes by cursor and is exactly right after a reconnect.
 */
import { createHash } from 'node:crypto';
import type { ConversationView, ServerFrame, SupportFrame } from '../../shared/protocol.js';
import type { Broker } from '../broker/broker.js';
import { eventBody, messageBody } from '../hub/frames.js';
import type { FrameReply, Hub } from '../hub/hub.js';
import { type Identity, isAgent, visitorIdentityId } from '../hub/identity.js';
import { randomId } from '../ids.js';
import type { Logger } from '../log.js';
import type {
  BusinessHours,
  Conversation,
  ConversationStatus,
  LogEntry,
  Site,
  Storage,
  Visitor,
} from '../storage/storage.js';
import { hashVisitorToken, VISITOR_TOKEN } from './visitor-tokens.js';

export const QUEUE_STREAM = 'queue:support';
export const convStream = (id: string): string => `conv:${id}`;
export const notesStream = (id: string): string => `notes:${id}`;
const streamId = (stream: string): string => stream.slice(stream.indexOf(':') + 1);

export type Availability = { available: true } | { available: false; reason: 'no_agents' | 'outside_hours' };

export interface SupportDeps {
  storage: Storage;
  hub: Hub;
  broker: Broker;
  log: Logger;
}

/** Is `at` within the site's business hours, in the site's time zone? */
export function withinHours(hours: BusinessHours, at: Date): boolean {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: hours.timezone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  const time = `${get('hour')}:${get('minute')}`;
  return hours.days.includes(day) && time >= hours.open && time < hours.close;
}

export const visitorIdentity = (visitor: Visitor): Identity => ({
  id: visitorIdentityId(visitor.id),
  name: visitor.name || 'Visitor',
  role: 'visitor',
  sessionId: null,
  visitor: { id: visitor.id, siteId: visitor.siteId },
});

export function createSupport(deps: SupportDeps) {
  const { storage, hub, broker, log } = deps;
  const siteNames = new Map<string, string>();

  const siteName = async (siteId: string): Promise<string> => {
    let name = siteNames.get(siteId);
    if (name === undefined) {
      name = (await storage.siteById(siteId))?.name ?? '';
      siteNames.set(siteId, name);
    }
    return name;
  };

  const view = async (c: Conversation): Promise<ConversationView> => {
    const [visitor, assignee, site] = await Promise.all([
      storage.visitorById(c.visitorId),
      c.assigneeId ? storage.userById(c.assigneeId) : null,
      siteName(c.siteId),
    ]);
    return {
      id: c.id,
      siteId: c.siteId,
      siteName: site,
      status: c.status,
      assignee: assignee ? { id: assignee.id, name: assignee.username } : null,
      visitor: { id: c.visitorId, name: visitor?.name ?? '', email: visitor?.email ?? '' },
      createdAt: c.createdAt,
      lastActivityAt: c.lastActivityAt,
      lastSeq: c.lastSeq,
      lastPreview: c.lastPreview,
      lastFrom: c.lastFrom,
    };
  };

  /** An event in the queue stream, which every agent console follows. */
  const queueEvent = async (event: string, data: unknown): Promise<void> => {
    await hub.commit({
      stream: QUEUE_STREAM,
      senderId: 'system:support',
      senderName: 'support',
      clientMsgId: randomId(),
      kind: 'event',
      body: eventBody(event, data),
    });
  };

  /** Every change to a conversation becomes an event in the queue stream, with the whole view. */
  const announce = async (c: Conversation): Promise<void> => queueEvent('conversation', await view(c));

  const update = async (
    id: string,
    patch: Parameters<Storage['updateConversation']>[1],
  ): Promise<Conversation | null> => {
    const updated = await storage.updateConversation(id, patch);
    if (updated) await announce(updated);
    return updated;
  };

  /**
   * Records a page the visitor opened and tells the agents (a `visitor.page` event in the queue).
   * False when the visitor reports pages faster than anyone reads them.
   */
  const pageView = async (visitor: { id: string }, url: string, title: string): Promise<boolean> => {
    const rate = await broker.consume(`page:${visitor.id}`, { burst: 10, refillMs: 3000 });
    if (!rate.ok) return false;
    await storage.addPageView(visitor.id, { url, title, at: Date.now() });
    await queueEvent('visitor.page', { visitorId: visitor.id, url, title });
    return true;
  };

  const list = async (status?: ConversationStatus): Promise<ConversationView[]> => {
    const found = await storage.listConversations({ limit: 200, ...(status ? { status } : {}) });
    return Promise.all(found.map(view));
  };

  return {
    view,
    list,
    pageView,

    /** A visitor's credentials from the widget: the site's key and the visitor's token. */
    async authenticateVisitor(siteKey: string | null | undefined, token: string): Promise<Identity | null> {
      if (!siteKey || !VISITOR_TOKEN.test(token)) return null;
      const site = await storage.siteByKey(siteKey);
      const visitor = site ? await storage.visitorByToken(site.id, hashVisitorToken(token)) : null;
      return visitor ? visitorIdentity(visitor) : null;
    },

    /** Opens a conversation with the visitor's first message. */
    /**
     * Opens a conversation with the visitor's first message. Idempotent: the conversation's id
     * is derived from the visitor and the message's clientMsgId, so a retried request (its
     * answer lost) finds the conversation and the message it already made, and makes no second.
     */
    async start(
      visitor: Visitor,
      text: string,
      clientMsgId: string,
    ): Promise<{ conversation: Conversation; entry: LogEntry; conflict: boolean }> {
      const id = createHash('sha256').update(`${visitor.id}:${clientMsgId}`).digest('base64url').slice(0, 22);
      let conversation = await storage.conversationById(id);
      if (!conversation) {
        try {
          conversation = await storage.createConversation({
            id,
            siteId: visitor.siteId,
            visitorId: visitor.id,
          });
          log.info('support.conversation', { conversation: id, site: visitor.siteId });
        } catch (err) {
          // The same request, twice at once: the other one created it.
          conversation = await storage.conversationById(id);
          if (!conversation) throw err;
        }
      }
      const who = visitorIdentity(visitor);
      const result = await hub.commit({
        stream: convStream(conversation.id),
        senderId: who.id,
        senderName: who.name,
        clientMsgId,
        kind: 'msg',
        body: messageBody(text),
      });
      const latest = (await storage.conversationById(conversation.id)) ?? conversation;
      return { conversation: latest, entry: result.entry, conflict: result.status === 'conflict' };
    },

    /** After any commit: a message in a conversation updates it (and reopens a resolved one). */
    async onCommitted(entry: LogEntry): Promise<void> {
      if (!entry.stream.startsWith('conv:') || entry.kind !== 'msg') return;
      const id = streamId(entry.stream);
      const current = await storage.conversationById(id);
      if (!current) return;
      const fromVisitor = entry.senderId.startsWith('v.');
      let text = '';
      try {
        text = String((JSON.parse(entry.body) as { text?: unknown }).text ?? '');
      } catch {
        // an unreadable body shows no preview
      }
      await update(id, {
        lastSeq: Math.max(current.lastSeq, entry.seq),
        lastActivityAt: entry.ts,
        lastPreview: text.slice(0, 140),
        lastFrom: fromVisitor ? 'visitor' : 'agent',
        ...(fromVisitor && current.status === 'resolved' ? { status: 'open' as const } : {}),
      });
    },

    /** Frames only agents send (and `page`, which only visitors send). */
    async onFrame(who: Identity, frame: SupportFrame, reply: FrameReply): Promise<void> {
      if (frame.type === 'page') {
        if (!who.visitor) return reply.error('forbidden', 'only a widget visitor reports page views');
        if (!(await pageView(who.visitor, frame.url, frame.title)))
          reply.error('rate_limited', 'too many page views');
        return;
      }
      const ref = 'stream' in frame ? frame.stream : undefined;
      if (!isAgent(who)) {
        return reply.error('forbidden', `only agents may ${frame.type.replace('_', ' ')}`, ref);
      }
      if (frame.type === 'list_conversations') {
        reply.send({ type: 'conversations', items: await list(frame.status) });
        return;
      }
      const id = streamId(frame.stream);
      const conversation = await storage.conversationById(id);
      if (!conversation) return reply.error('not_found', `${frame.stream} does not exist`, ref);
      switch (frame.type) {
        case 'assign': {
          if (frame.to !== null && !(await storage.listAgents()).some((a) => a.id === frame.to)) {
            return reply.error('invalid_frame', `${frame.to} is not an agent`, ref);
          }
          await update(id, { assigneeId: frame.to });
          return;
        }
        case 'set_status':
          await update(id, { status: frame.status });
          return;
        case 'note': {
          const result = await hub.commit({
            stream: notesStream(id),
            senderId: who.id,
            senderName: who.name,
            clientMsgId: frame.clientMsgId,
            kind: 'msg',
            body: messageBody(frame.text),
          });
          if (result.status === 'conflict') {
            return reply.error(
              'idempotency_conflict',
              `clientMsgId ${frame.clientMsgId} was used for another message`,
              frame.clientMsgId,
            );
          }
          const { entry } = result;
          reply.send({
            type: 'ack',
            stream: entry.stream,
            clientMsgId: frame.clientMsgId,
            id: entry.id,
            seq: entry.seq,
            ts: entry.ts,
          });
          return;
        }
      }
    },

    /** Whether the widget may promise a live answer now. */
    async availability(site: Site, at = new Date()): Promise<Availability> {
      const hours = site.options.businessHours;
      if (hours && !withinHours(hours, at)) return { available: false, reason: 'outside_hours' };
      const present = new Set((await broker.presenceList(QUEUE_STREAM).catch(() => [])).map((u) => u.id));
      const agents = await storage.listAgents();
      return agents.some((a) => a.availability === 'online' && present.has(a.id))
        ? { available: true }
        : { available: false, reason: 'no_agents' };
    },

    /** Agent replies the visitor has not read yet, over all their conversations. */
    async unread(visitor: Visitor): Promise<number> {
      let total = 0;
      for (const c of await storage.visitorConversations(visitor.id)) {
        total += (await storage.readPosition(visitorIdentityId(visitor.id), convStream(c.id))).unread;
      }
      return total;
    },

    /**
     * "Seen" as of now, for a connection that just subscribed to a conversation: the visitor gets
     * the furthest any agent has read, an agent gets the visitor's. Receipts are otherwise live
     * only, so without this a reload would lose "Seen" until the other side read again.
     */
    async receipts(who: Identity, stream: string): Promise<ServerFrame[]> {
      if (!stream.startsWith('conv:')) return [];
      const others = (await storage.readPositions(stream)).filter((p) => p.userId !== who.id);
      const peers = who.visitor
        ? others.filter((p) => !p.userId.startsWith('v.'))
        : others.filter((p) => p.userId.startsWith('v.'));
      const furthest = peers.reduce<{ userId: string; seq: number } | null>(
        (best, p) => (!best || p.seq > best.seq ? p : best),
        null,
      );
      if (!furthest || furthest.seq === 0) return [];
      const name = furthest.userId.startsWith('v.')
        ? (await storage.visitorById(furthest.userId.slice(2)))?.name || 'Visitor'
        : ((await storage.userById(furthest.userId))?.username ?? '');
      return [{ type: 'receipt', stream, by: { id: furthest.userId, name }, seq: furthest.seq }];
    },

    forgetSite(siteId: string): void {
      siteNames.delete(siteId);
    },
  };
}

export type Support = ReturnType<typeof createSupport>;

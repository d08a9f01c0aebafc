/** The support tables (sites, visitors, conversations, canned responses, agents) on PostgreSQL. */
import type { Pool } from 'pg';
import {
  type CannedRow,
  type ConversationRow,
  type SiteRow,
  toAgent,
  toCanned,
  toConversation,
  toSite,
  toUser,
  toVisitor,
  type UserRow,
  type VisitorRow,
  visitorColumns,
} from './rows.js';
import type { SupportStore } from './storage.js';

const sql = {
  insertSite:
    'INSERT INTO sites (id, key, name, allowed_origins, options, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
  siteById: 'SELECT * FROM sites WHERE id = $1',
  siteByKey: 'SELECT * FROM sites WHERE key = $1',
  listSites: 'SELECT * FROM sites ORDER BY created_at, id COLLATE "C"',
  updateSite: 'UPDATE sites SET name = $2, allowed_origins = $3, options = $4 WHERE id = $1',
  insertVisitor: `
    INSERT INTO visitors (id, site_id, token_hash, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4) RETURNING *`,
  visitorByToken: 'SELECT * FROM visitors WHERE site_id = $1 AND token_hash = $2',
  visitorById: 'SELECT * FROM visitors WHERE id = $1',
  updateVisitor: `
    UPDATE visitors SET name = $2, email = $3, attributes = $4, user_agent = $5, timezone = $6, last_seen_at = $7
    WHERE id = $1`,
  addPageView: 'INSERT INTO page_views (visitor_id, at, url, title) VALUES ($1, $2, $3, $4)',
  pageViews:
    'SELECT url, title, at FROM page_views WHERE visitor_id = $1 ORDER BY at DESC, ctid DESC LIMIT $2',
  insertConversation: `
    INSERT INTO conversations (id, site_id, visitor_id, status, created_at, last_activity_at)
    VALUES ($1, $2, $3, 'open', $4, $4) RETURNING *`,
  conversationById: 'SELECT * FROM conversations WHERE id = $1',
  listConversations: `
    SELECT * FROM conversations WHERE ($1::text IS NULL OR status = $1)
    ORDER BY last_activity_at DESC, id COLLATE "C" LIMIT $2`,
  visitorConversations:
    'SELECT * FROM conversations WHERE visitor_id = $1 ORDER BY last_activity_at DESC, id COLLATE "C"',
  updateConversation: `
    UPDATE conversations SET status = $2, assignee_id = $3, last_activity_at = $4, last_seq = $5,
      last_preview = $6, last_from = $7
    WHERE id = $1`,
  listCanned: 'SELECT * FROM canned_responses ORDER BY shortcut COLLATE "C"',
  insertCanned: `
    INSERT INTO canned_responses (id, shortcut, text, created_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (shortcut) DO NOTHING`,
  deleteCanned: 'DELETE FROM canned_responses WHERE id = $1',
  setRole: 'UPDATE users SET role = $2 WHERE id = $1 RETURNING *',
  listUsers: 'SELECT * FROM users ORDER BY created_at, id COLLATE "C"',
  listAgents: `SELECT * FROM users WHERE role IN ('agent', 'admin') AND status = 'active' ORDER BY username, id COLLATE "C"`,
  setAvailability: 'UPDATE users SET availability = $2 WHERE id = $1',
};

export function postgresSupport(pool: Pool): SupportStore {
  const rows = async <R extends object>(text: string, values: unknown[] = []): Promise<R[]> =>
    (await pool.query<R & Record<string, unknown>>(text, values)).rows;
  const one = async <R extends object>(text: string, values: unknown[]): Promise<R | undefined> =>
    (await rows<R>(text, values))[0];

  const store: SupportStore = {
    async createSite(input) {
      const createdAt = Date.now();
      await pool.query(sql.insertSite, [
        input.id,
        input.key,
        input.name,
        JSON.stringify(input.allowedOrigins),
        JSON.stringify(input.options),
        createdAt,
      ]);
      return { ...input, createdAt };
    },
    async siteById(id) {
      const row = await one<SiteRow>(sql.siteById, [id]);
      return row ? toSite(row) : null;
    },
    async siteByKey(key) {
      const row = await one<SiteRow>(sql.siteByKey, [key]);
      return row ? toSite(row) : null;
    },
    async listSites() {
      return (await rows<SiteRow>(sql.listSites)).map(toSite);
    },
    async updateSite(id, patch) {
      const current = await store.siteById(id);
      if (!current) return null;
      const next = { ...current, ...patch };
      await pool.query(sql.updateSite, [
        id,
        next.name,
        JSON.stringify(next.allowedOrigins),
        JSON.stringify(next.options),
      ]);
      return next;
    },

    async createVisitor(input) {
      const row = await one<VisitorRow>(sql.insertVisitor, [
        input.id,
        input.siteId,
        input.tokenHash,
        Date.now(),
      ]);
      return toVisitor(row as VisitorRow);
    },
    async visitorByToken(siteId, tokenHash) {
      const row = await one<VisitorRow>(sql.visitorByToken, [siteId, tokenHash]);
      return row ? toVisitor(row) : null;
    },
    async visitorById(id) {
      const row = await one<VisitorRow>(sql.visitorById, [id]);
      return row ? toVisitor(row) : null;
    },
    async updateVisitor(id, patch) {
      const current = await store.visitorById(id);
      if (!current) return null;
      const next = { ...current, ...patch };
      const c = visitorColumns(next);
      await pool.query(sql.updateVisitor, [
        id,
        c.name,
        c.email,
        c.attributes,
        c.userAgent,
        c.timezone,
        c.lastSeenAt,
      ]);
      return next;
    },
    async addPageView(visitorId, view) {
      await pool.query(sql.addPageView, [visitorId, view.at, view.url, view.title]);
    },
    async pageViews(visitorId, limit) {
      return rows<{ url: string; title: string; at: number }>(sql.pageViews, [visitorId, limit]);
    },

    async createConversation(input) {
      const row = await one<ConversationRow>(sql.insertConversation, [
        input.id,
        input.siteId,
        input.visitorId,
        Date.now(),
      ]);
      return toConversation(row as ConversationRow);
    },
    async conversationById(id) {
      const row = await one<ConversationRow>(sql.conversationById, [id]);
      return row ? toConversation(row) : null;
    },
    async listConversations(filter) {
      return (await rows<ConversationRow>(sql.listConversations, [filter.status ?? null, filter.limit])).map(
        toConversation,
      );
    },
    async visitorConversations(visitorId) {
      return (await rows<ConversationRow>(sql.visitorConversations, [visitorId])).map(toConversation);
    },
    async updateConversation(id, patch) {
      const current = await store.conversationById(id);
      if (!current) return null;
      const n = { ...current, ...patch };
      await pool.query(sql.updateConversation, [
        id,
        n.status,
        n.assigneeId,
        n.lastActivityAt,
        n.lastSeq,
        n.lastPreview,
        n.lastFrom,
      ]);
      return n;
    },

    async listCanned() {
      return (await rows<CannedRow>(sql.listCanned)).map(toCanned);
    },
    async createCanned(input) {
      const createdAt = Date.now();
      const result = await pool.query(sql.insertCanned, [input.id, input.shortcut, input.text, createdAt]);
      return (result.rowCount ?? 0) === 0 ? 'taken' : { ...input, createdAt };
    },
    async deleteCanned(id) {
      return ((await pool.query(sql.deleteCanned, [id])).rowCount ?? 0) > 0;
    },

    async setRole(userId, role) {
      const row = await one<UserRow>(sql.setRole, [userId, role]);
      return row ? toUser(row) : null;
    },
    async listUsers() {
      return (await rows<UserRow>(sql.listUsers)).map(toUser);
    },
    async listAgents() {
      return (await rows<UserRow & { availability: string }>(sql.listAgents)).map(toAgent);
    },
    async setAvailability(userId, availability) {
      await pool.query(sql.setAvailability, [userId, availability]);
    },
  };
  return store;
}

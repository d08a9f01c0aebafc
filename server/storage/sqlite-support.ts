/** The support tables (sites, visitors, conversations, canned responses, agents) on SQLite. */
import type Database from 'better-sqlite3';
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
import type { Conversation, Site, SupportStore, Visitor } from './storage.js';

export function sqliteSupport(db: Database.Database): SupportStore {
  const q = {
    insertSite: db.prepare(
      `INSERT INTO sites (id, key, name, allowed_origins, options, created_at)
       VALUES (@id, @key, @name, @allowedOrigins, @options, @createdAt)`,
    ),
    siteById: db.prepare<[string], SiteRow>('SELECT * FROM sites WHERE id = ?'),
    siteByKey: db.prepare<[string], SiteRow>('SELECT * FROM sites WHERE key = ?'),
    listSites: db.prepare<[], SiteRow>('SELECT * FROM sites ORDER BY created_at, id'),
    updateSite: db.prepare(
      'UPDATE sites SET name = @name, allowed_origins = @allowedOrigins, options = @options WHERE id = @id',
    ),
    insertVisitor: db.prepare(
      `INSERT INTO visitors (id, site_id, token_hash, created_at, last_seen_at) VALUES (@id, @siteId, @tokenHash, @now, @now)`,
    ),
    visitorByToken: db.prepare<[string, string], VisitorRow>(
      'SELECT * FROM visitors WHERE site_id = ? AND token_hash = ?',
    ),
    visitorById: db.prepare<[string], VisitorRow>('SELECT * FROM visitors WHERE id = ?'),
    updateVisitor: db.prepare(
      `UPDATE visitors SET name = @name, email = @email, attributes = @attributes, user_agent = @userAgent,
         timezone = @timezone, last_seen_at = @lastSeenAt WHERE id = @id`,
    ),
    addPageView: db.prepare('INSERT INTO page_views (visitor_id, at, url, title) VALUES (?, ?, ?, ?)'),
    pageViews: db.prepare<[string, number], { url: string; title: string; at: number }>(
      'SELECT url, title, at FROM page_views WHERE visitor_id = ? ORDER BY at DESC, rowid DESC LIMIT ?',
    ),
    insertConversation: db.prepare(
      `INSERT INTO conversations (id, site_id, visitor_id, status, created_at, last_activity_at)
       VALUES (@id, @siteId, @visitorId, 'open', @now, @now)`,
    ),
    conversationById: db.prepare<[string], ConversationRow>('SELECT * FROM conversations WHERE id = ?'),
    listConversations: db.prepare<[string | null, string | null, number], ConversationRow>(
      `SELECT * FROM conversations WHERE (? IS NULL OR status = ?)
       ORDER BY last_activity_at DESC, id LIMIT ?`,
    ),
    visitorConversations: db.prepare<[string], ConversationRow>(
      'SELECT * FROM conversations WHERE visitor_id = ? ORDER BY last_activity_at DESC, id',
    ),
    updateConversation: db.prepare(
      `UPDATE conversations SET status = @status, assignee_id = @assigneeId, last_activity_at = @lastActivityAt,
         last_seq = @lastSeq, last_preview = @lastPreview, last_from = @lastFrom WHERE id = @id`,
    ),
    listCanned: db.prepare<[], CannedRow>('SELECT * FROM canned_responses ORDER BY shortcut'),
    insertCanned: db.prepare(
      'INSERT OR IGNORE INTO canned_responses (id, shortcut, text, created_at) VALUES (@id, @shortcut, @text, @createdAt)',
    ),
    deleteCanned: db.prepare<[string]>('DELETE FROM canned_responses WHERE id = ?'),
    setRole: db.prepare<[string, string]>('UPDATE users SET role = ? WHERE id = ?'),
    userById: db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?'),
    listUsers: db.prepare<[], UserRow>('SELECT * FROM users ORDER BY created_at, id'),
    listAgents: db.prepare<[], UserRow & { availability: string }>(
      "SELECT * FROM users WHERE role IN ('agent', 'admin') AND status = 'active' ORDER BY username, id",
    ),
    setAvailability: db.prepare<[string, string]>('UPDATE users SET availability = ? WHERE id = ?'),
  };

  const site = (row: SiteRow | undefined): Site | null => (row ? toSite(row) : null);
  const visitor = (row: VisitorRow | undefined): Visitor | null => (row ? toVisitor(row) : null);
  const conversation = (row: ConversationRow | undefined): Conversation | null =>
    row ? toConversation(row) : null;

  return {
    async createSite(input) {
      const createdAt = Date.now();
      q.insertSite.run({
        ...input,
        allowedOrigins: JSON.stringify(input.allowedOrigins),
        options: JSON.stringify(input.options),
        createdAt,
      });
      return { ...input, createdAt };
    },
    async siteById(id) {
      return site(q.siteById.get(id));
    },
    async siteByKey(key) {
      return site(q.siteByKey.get(key));
    },
    async listSites() {
      return q.listSites.all().map(toSite);
    },
    async updateSite(id, patch) {
      const current = site(q.siteById.get(id));
      if (!current) return null;
      const next = { ...current, ...patch };
      q.updateSite.run({
        id,
        name: next.name,
        allowedOrigins: JSON.stringify(next.allowedOrigins),
        options: JSON.stringify(next.options),
      });
      return next;
    },

    async createVisitor(input) {
      q.insertVisitor.run({ ...input, now: Date.now() });
      return toVisitor(q.visitorById.get(input.id) as VisitorRow);
    },
    async visitorByToken(siteId, tokenHash) {
      return visitor(q.visitorByToken.get(siteId, tokenHash));
    },
    async visitorById(id) {
      return visitor(q.visitorById.get(id));
    },
    async updateVisitor(id, patch) {
      const current = visitor(q.visitorById.get(id));
      if (!current) return null;
      const next = { ...current, ...patch };
      q.updateVisitor.run({ id, ...visitorColumns(next) });
      return next;
    },
    async addPageView(visitorId, view) {
      q.addPageView.run(visitorId, view.at, view.url, view.title);
    },
    async pageViews(visitorId, limit) {
      return q.pageViews.all(visitorId, limit);
    },

    async createConversation(input) {
      q.insertConversation.run({ ...input, now: Date.now() });
      return toConversation(q.conversationById.get(input.id) as ConversationRow);
    },
    async conversationById(id) {
      return conversation(q.conversationById.get(id));
    },
    async listConversations(filter) {
      const status = filter.status ?? null;
      return q.listConversations.all(status, status, filter.limit).map(toConversation);
    },
    async visitorConversations(visitorId) {
      return q.visitorConversations.all(visitorId).map(toConversation);
    },
    async updateConversation(id, patch) {
      const current = conversation(q.conversationById.get(id));
      if (!current) return null;
      const next = { ...current, ...patch };
      q.updateConversation.run(next);
      return next;
    },

    async listCanned() {
      return q.listCanned.all().map(toCanned);
    },
    async createCanned(input) {
      const createdAt = Date.now();
      if (q.insertCanned.run({ ...input, createdAt }).changes === 0) return 'taken';
      return { ...input, createdAt };
    },
    async deleteCanned(id) {
      return q.deleteCanned.run(id).changes > 0;
    },

    async setRole(userId, role) {
      q.setRole.run(role, userId);
      const row = q.userById.get(userId);
      return row ? toUser(row) : null;
    },
    async listUsers() {
      return q.listUsers.all().map(toUser);
    },
    async listAgents() {
      return q.listAgents.all().map(toAgent);
    },
    async setAvailability(userId, availability) {
      q.setAvailability.run(availability, userId);
    },
  };
}

/**
 * Test traffic for fault and drain tests: real SDK clients (outbox, retries, reconnects) whose
 * every frame in and out is recorded, and a check of what PostgreSQL stored against what was acked.
 */
import pg from 'pg';
import WebSocket from 'ws';
import type { ClientFrame, ServerFrame } from '../../shared/protocol.js';
import { createClient, type SwitchboardClient } from '../../web/client/index.js';
import { pollingTransport } from '../../web/client/polling.js';
import {
  type ClientTransport,
  type TransportFactory,
  type WebSocketConstructor,
  webSocketTransport,
} from '../../web/client/transport.js';
import type { TestUser } from './api.js';
import { pgUrl } from './services.js';

const WS = WebSocket as unknown as WebSocketConstructor;

export interface Recorded {
  /** When each send of a clientMsgId went out (the first, then every retry). */
  sends: Map<string, number[]>;
  /** The first ack of each clientMsgId. */
  acks: Map<string, { seq: number; id: string; at: number }>;
  /** Error frames, with how long after the last send of their ref they came. */
  errors: { code: string; ref?: string; retryAfterMs?: number; at: number; latencyMs?: number }[];
  /** Close codes the transports reported (1001 on a drain, for example). */
  closes: { code: number; retryAfterMs?: number; transport: string }[];
  /** How many connection attempts went to each server (by label). */
  attempts: Map<string, number>;
}

export interface TrafficClient {
  user: TestUser;
  client: SwitchboardClient;
  rec: Recorded;
  transport: 'websocket' | 'polling';
}

export interface Target {
  label: string;
  url: string;
  wsUrl: string;
}

/** A transport factory that asks `pick` where to connect on every attempt, and records the frames. */
function recording(rec: Recorded, kind: 'websocket' | 'polling', pick: () => Target): TransportFactory {
  return (handlers) => {
    const target = pick();
    rec.attempts.set(target.label, (rec.attempts.get(target.label) ?? 0) + 1);
    const inner =
      kind === 'websocket' ? webSocketTransport(target.wsUrl, WS) : pollingTransport({ baseUrl: target.url });
    const transport: ClientTransport = inner({
      clientId: handlers.clientId,
      prelude: () => handlers.prelude(),
      onOpen: () => handlers.onOpen(),
      onMessage: (data) => {
        const frame = (typeof data === 'string' ? JSON.parse(data) : data) as ServerFrame;
        const now = Date.now();
        if (frame.type === 'ack' && !rec.acks.has(frame.clientMsgId)) {
          rec.acks.set(frame.clientMsgId, { seq: frame.seq, id: frame.id, at: now });
        } else if (frame.type === 'error') {
          const last = frame.ref ? rec.sends.get(frame.ref)?.at(-1) : undefined;
          rec.errors.push({
            code: frame.code,
            ref: frame.ref,
            retryAfterMs: frame.retryAfterMs,
            at: now,
            latencyMs: last === undefined ? undefined : now - last,
          });
        }
        handlers.onMessage(data);
      },
      onClose: (code, reason, retryAfterMs) => {
        rec.closes.push({ code, retryAfterMs, transport: kind });
        handlers.onClose(code, reason, retryAfterMs);
      },
    });
    return {
      name: transport.name,
      send(frame: ClientFrame) {
        if (frame.type === 'send') {
          const list = rec.sends.get(frame.clientMsgId) ?? [];
          list.push(Date.now());
          rec.sends.set(frame.clientMsgId, list);
        }
        transport.send(frame);
      },
      close: () => transport.close(),
    };
  };
}

export function trafficClient(
  user: TestUser,
  pick: () => Target,
  kind: 'websocket' | 'polling' = 'websocket',
): TrafficClient {
  const rec: Recorded = { sends: new Map(), acks: new Map(), errors: [], closes: [], attempts: new Map() };
  const client = createClient({
    url: 'ws://unused/ws',
    token: user.token,
    transport: kind,
    transports: { [kind]: recording(rec, kind, pick) },
    backoff: { baseMs: 100, maxMs: 1000 },
  });
  client.connect();
  return { user, client, rec, transport: kind };
}

/** Sends one message from every client every `everyMs` until the returned stop() is called. */
export function sendEvery(clients: TrafficClient[], everyMs: number, label: string): () => void {
  let n = 0;
  const timer = setInterval(() => {
    n++;
    for (const [i, c] of clients.entries()) c.client.send('room:general', `${label} c${i} #${n}`);
  }, everyMs);
  return () => clearInterval(timer);
}

export interface Stored {
  /** `${senderId} ${clientMsgId}` -> the seqs stored under it (exactly one, if all is well). */
  byClient: Map<string, number[]>;
  seqs: number[];
}

/** Every entry of room:general in the schema, read directly from PostgreSQL. */
export async function storedLog(schema: string): Promise<Stored> {
  const db = new pg.Client({ connectionString: pgUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ sender_id: string; client_msg_id: string; seq: string }>(
      `SELECT sender_id, client_msg_id, seq FROM ${pg.escapeIdentifier(schema)}.log WHERE stream = 'room:general' ORDER BY seq`,
    );
    const byClient = new Map<string, number[]>();
    for (const row of rows) {
      const key = `${row.sender_id} ${row.client_msg_id}`;
      byClient.set(key, [...(byClient.get(key) ?? []), Number(row.seq)]);
    }
    return { byClient, seqs: rows.map((r) => Number(r.seq)) };
  } finally {
    await db.end();
  }
}

/**
 * What must hold after any fault: every acked message stored exactly once, under the seq its ack
 * named; nothing stored twice; seqs gap-free; every client's outbox empty. Returns the problems.
 */
export function checkStored(clients: TrafficClient[], stored: Stored): string[] {
  const problems: string[] = [];
  for (const [key, seqs] of stored.byClient)
    if (seqs.length !== 1) problems.push(`${key} stored ${seqs.length} times`);
  stored.seqs.forEach((seq, i) => {
    if (seq !== i + 1) problems.push(`seq ${i + 1} missing (found ${seq})`);
  });
  for (const c of clients) {
    for (const [id, ack] of c.rec.acks) {
      const seqs = stored.byClient.get(`${c.user.id} ${id}`);
      if (!seqs) problems.push(`${id} acked (seq ${ack.seq}) but not stored`);
      else if (seqs[0] !== ack.seq) problems.push(`${id} acked as seq ${ack.seq} but stored as ${seqs[0]}`);
    }
    const pending = c.client.pending().length;
    if (pending > 0) problems.push(`${c.user.username} still has ${pending} unacked`);
  }
  return problems;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/**
 * The typed server SDK for the push API: what a team's backend calls to reach browsers.
 *
 * @example
 * const push = createPushClient({ url: 'https://chat.example.com', key: process.env.SWITCHBOARD_KEY });
 * await push.push({ target: { user: userId }, event: 'report.ready', data: { url } });
 * const job = await push.jobs.create({ user: userId, title: 'Export' });
 * await push.jobs.progress(job.id, { percent: 40, message: 'exporting rows' });
 * await push.jobs.done(job.id, { result: { url: '/exports/42.csv' } });
 */
import type { JobView, PushAccepted, PushTarget } from '../../shared/api.js';

export interface PushClientOptions {
  /** The Switchboard server's origin, like https://chat.example.com. */
  url: string;
  /** An API key, `sb_...`, from the admin page. It is sent only in the Authorization header. */
  key: string;
  fetch?: typeof fetch;
}

export interface PushInput {
  target: PushTarget;
  event: string;
  data?: unknown;
  /** Makes retries safe: the same key and body within 24 h deliver once and answer the same. */
  idempotencyKey?: string;
}

/** A refused call, with the HTTP status, the API's error code and its sentence. */
export class PushError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** For 429: how long to wait before trying again. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'PushError';
  }
}

export function createPushClient(options: PushClientOptions) {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const base = options.url.replace(/\/+$/, '');

  async function call<T>(path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
    const res = await doFetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.key}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: reported below with the status
    }
    if (!res.ok) {
      const error = (json as { error?: { code?: string; message?: string } } | null)?.error;
      const retryAfter = Number(res.headers.get('retry-after'));
      throw new PushError(
        res.status,
        error?.code ?? 'http_error',
        error?.message ?? `HTTP ${res.status} from ${path}`,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
      );
    }
    return json as T;
  }

  return {
    /** Resolves once the event is committed, with its id and seq in the target's stream. */
    push(input: PushInput): Promise<PushAccepted> {
      const headers: Record<string, string> = input.idempotencyKey
        ? { 'idempotency-key': input.idempotencyKey }
        : {};
      return call(
        '/api/push',
        { target: input.target, event: input.event, data: input.data ?? null },
        headers,
      );
    },
    jobs: {
      async create(input: { user: string; title: string }): Promise<JobView> {
        return (await call<{ job: JobView }>('/api/jobs', input)).job;
      },
      async progress(id: string, input: { percent: number; message?: string }): Promise<JobView> {
        return (await call<{ job: JobView }>(`/api/jobs/${encodeURIComponent(id)}/progress`, input)).job;
      },
      async done(
        id: string,
        end: { result: unknown; message?: string } | { error: string },
      ): Promise<{ job: JobView; event: { id: string; seq: number } }> {
        return call(`/api/jobs/${encodeURIComponent(id)}/done`, end);
      },
    },
  };
}

export type PushClient = ReturnType<typeof createPushClient>;

/**
 * The widget's HTTP API (server/http/widget.ts), from a customer's page: cross-origin, no cookies,
 * the site's key in the query and the visitor's token in a header (never in a URL).
 */
import type { InferInput } from 'valibot';
import type {
  IdentifyBody,
  MessagesPage,
  PageViewBody,
  StartConversationBody,
  VisitorConversation,
  WidgetConfig,
} from '../../../shared/api.js';
import type { MsgFrame } from '../../../shared/protocol.js';

// Type-only: the schemas stay on the server; the widget bundles none of valibot's for these.
export type StartBody = InferInput<typeof StartConversationBody>;
export type IdentifyInput = InferInput<typeof IdentifyBody>;
export type PageInput = InferInput<typeof PageViewBody>;

/** A refused or failed request, with the server's own words when it sent some. */
export class WidgetApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface WidgetApiOptions {
  origin: string;
  site: string;
  token(): string | null;
  fetch?: typeof fetch;
}

export function createWidgetApi(options: WidgetApiOptions) {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const sep = path.includes('?') ? '&' : '?';
    const headers: Record<string, string> = {};
    const token = options.token();
    if (token) headers['x-switchboard-visitor'] = token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await doFetch(
        `${options.origin}/api/widget${path}${sep}site=${encodeURIComponent(options.site)}`,
        {
          method,
          headers,
          body: body === undefined ? null : JSON.stringify(body),
          credentials: 'omit',
        },
      );
    } catch {
      throw new WidgetApiError(0, 'could not reach the server');
    }
    if (!res.ok) {
      let message = `HTTP ${res.status}`;
      try {
        message = ((await res.json()) as { error?: { message?: string } }).error?.message ?? message;
      } catch {
        // not JSON: keep the status
      }
      throw new WidgetApiError(res.status, message);
    }
    return (res.status === 204 ? undefined : await res.json()) as T;
  }

  return {
    config: () => call<WidgetConfig>('GET', '/config'),
    createVisitor: () => call<{ token: string }>('POST', '/visitors'),
    conversations: () => call<{ conversations: VisitorConversation[] }>('GET', '/conversations'),
    start: (body: StartBody) =>
      call<{ conversation: VisitorConversation; message: MsgFrame }>('POST', '/conversations', body),
    messages: (id: string, before?: number, limit = 30) =>
      call<MessagesPage>(
        'GET',
        `/conversations/${encodeURIComponent(id)}/messages?limit=${limit}${before ? `&before=${before}` : ''}`,
      ),
    identify: (body: IdentifyInput) => call<unknown>('POST', '/identify', body),
    page: (body: PageInput) => call<void>('POST', '/page', body),
  };
}

export type WidgetApi = ReturnType<typeof createWidgetApi>;

/**
 * API keys, for admins: the list (names, scopes, dates; never a secret), creating one (whose token
 * the caller shows once and then forgets: this model never holds it), and revoking.
 *
 * @example
 * const keys = createApiKeys(api);
 * const made = await keys.create('CI deploys', ['room:*']);
 * if (made.ok) showOnce(made.value.token);
 */
import { type ReadonlySignal, signal } from '@preact/signals';
import type { ApiKeyView } from '../../../../shared/api.js';
import type { Api, ApiResult } from '../../common/api.js';

/** The scopes offered as checkboxes; anything narrower is typed in. */
export const BROAD_SCOPES = ['user:*', 'room:*', 'topic:*', 'visitor:*', 'jobs'] as const;
export type BroadScope = (typeof BROAD_SCOPES)[number];

export type KeysLoad = 'idle' | 'loading' | 'ready' | 'error';

export interface ApiKeys {
  /** As the server lists them. */
  readonly list: ReadonlySignal<ApiKeyView[]>;
  readonly load: ReadonlySignal<KeysLoad>;
  readonly error: ReadonlySignal<string | null>;
  refresh(): Promise<void>;
  create(name: string, scopes: string[]): Promise<ApiResult<{ key: ApiKeyView; token: string }>>;
  revoke(id: string): Promise<ApiResult<null>>;
}

/**
 * The scopes of the form: the ticked ones, then the typed ones (split on spaces and commas), each
 * once. Typed scopes are not checked here: the server's sentence says what is wrong with one.
 *
 * @example
 * scopesOf(['room:*'], 'room:general, jobs room:*'); // ['room:*', 'room:general', 'jobs']
 */
export function scopesOf(ticked: readonly string[], typed: string): string[] {
  const all = [...ticked, ...typed.split(/[\s,]+/).filter(Boolean)];
  return [...new Set(all)];
}

/**
 * A curl command that uses a key with these scopes, with the key as the `$SWITCHBOARD_KEY`
 * placeholder (the real one is never put in an example): a push to what the first push scope
 * reaches, or, for a jobs-only key, creating a job.
 */
export function curlExample(origin: string, scopes: readonly string[], meId: string): string {
  const push = scopes.find((s) => !s.endsWith(':*') && s !== 'jobs') ?? scopes.find((s) => s !== 'jobs');
  const lines = (path: string, body: unknown) =>
    [
      `curl -X POST ${origin}${path} \\`,
      `  -H "Authorization: Bearer $SWITCHBOARD_KEY" \\`,
      `  -H 'Content-Type: application/json' \\`,
      `  -d '${JSON.stringify(body)}'`,
    ].join('\n');
  if (!push) return lines('/api/jobs', { user: meId, title: 'Export' });
  const [kind, id] = push.split(':') as [string, string];
  const target =
    kind === 'user'
      ? { user: id === '*' ? meId : id }
      : kind === 'topic'
        ? { topic: id === '*' ? 'deploys' : id }
        : kind === 'visitor'
          ? { visitor: id === '*' ? 'VISITOR_ID' : id }
          : { room: id === '*' ? 'general' : id };
  return lines('/api/push', { target, event: 'deploy.finished', data: { version: '1.2.3' } });
}

export function createApiKeys(api: Api): ApiKeys {
  const list = signal<ApiKeyView[]>([]);
  const load = signal<KeysLoad>('idle');
  const error = signal<string | null>(null);

  async function refresh(): Promise<void> {
    if (load.peek() !== 'ready') load.value = 'loading';
    const result = await api.apiKeys();
    if (!result.ok) {
      error.value = result.message || null;
      if (load.peek() !== 'ready') load.value = 'error';
      return;
    }
    list.value = result.value.keys;
    error.value = null;
    load.value = 'ready';
  }

  return {
    list,
    load,
    error,
    refresh,
    async create(name, scopes) {
      const result = await api.createApiKey({ name, scopes });
      if (result.ok) await refresh();
      return result;
    },
    async revoke(id) {
      const result = await api.revokeApiKey(id);
      // A key already revoked (in another tab, say) answers 404: either way the list is stale.
      await refresh();
      return result;
    },
  };
}

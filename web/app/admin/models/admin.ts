/**
 * Customer support's admin side: the sites the widget may run on, and who is an agent. Each list
 * is the server's answer; a change is made over HTTP and the list loaded again.
 *
 * @example
 * const admin = createAdminModels(api);
 * const made = await admin.sites.create({ name: 'Shop', allowedOrigins: ['https://shop.example'], options });
 * if (made.ok) show(made.value.site.snippet);
 */
import { type ReadonlySignal, signal } from '@preact/signals';
import type { SiteView } from '../../../../shared/api.js';
import type { AdminUser, Api, ApiResult, Role, SiteBody } from '../../common/api.js';
import type { LoadStatus } from '../../common/models/load.js';

interface RemoteList<T> {
  readonly list: ReadonlySignal<T[]>;
  readonly load: ReadonlySignal<LoadStatus>;
  readonly error: ReadonlySignal<string | null>;
  refresh(): Promise<void>;
}

export interface Sites extends RemoteList<SiteView> {
  create(body: SiteBody): Promise<ApiResult<{ site: SiteView }>>;
  update(id: string, body: Partial<SiteBody>): Promise<ApiResult<{ site: SiteView }>>;
}

export interface Users extends RemoteList<AdminUser> {
  setRole(id: string, role: Role): Promise<ApiResult<{ user: AdminUser }>>;
  setStatus(id: string, status: 'active' | 'suspended'): Promise<ApiResult<{ user: AdminUser }>>;
  remove(id: string): Promise<ApiResult<null>>;
}

export interface AdminModels {
  readonly sites: Sites;
  readonly users: Users;
}

function remoteList<T>(fetchList: () => Promise<ApiResult<T[]>>): RemoteList<T> {
  const list = signal<T[]>([]);
  const load = signal<LoadStatus>('idle');
  const error = signal<string | null>(null);
  return {
    list,
    load,
    error,
    async refresh() {
      if (load.peek() !== 'ready') load.value = 'loading';
      const result = await fetchList();
      if (!result.ok) {
        error.value = result.message || null;
        if (load.peek() !== 'ready') load.value = 'error';
        return;
      }
      list.value = result.value;
      error.value = null;
      load.value = 'ready';
    },
  };
}

const mapValue = <A, B>(result: ApiResult<A>, f: (a: A) => B): ApiResult<B> =>
  result.ok ? { ok: true, value: f(result.value) } : result;

/**
 * Allowed origins as typed in the form, one per line (commas work too), blank lines dropped, a
 * trailing slash taken off (browsers never send one). The server checks each one.
 *
 * @example
 * parseOrigins('https://shop.example/\n\n https://*.shop.example '); // ['https://shop.example', 'https://*.shop.example']
 */
export function parseOrigins(text: string): string[] {
  const origins = text
    .split(/[\n,]+/)
    .map((line) => line.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  return [...new Set(origins)];
}

export function createAdminModels(api: Api): AdminModels {
  const sitesList = remoteList(async () => mapValue(await api.sites(), (v) => v.sites));
  const usersList = remoteList(async () => mapValue(await api.users(), (v) => v.users));
  return {
    sites: {
      ...sitesList,
      async create(body) {
        const result = await api.createSite(body);
        if (result.ok) await sitesList.refresh();
        return result;
      },
      async update(id, body) {
        const result = await api.updateSite(id, body);
        if (result.ok) await sitesList.refresh();
        return result;
      },
    },
    users: {
      ...usersList,
      async setRole(id, role) {
        const result = await api.setRole(id, role);
        await usersList.refresh();
        return result;
      },
      async setStatus(id, status) {
        const result = await api.setStatus(id, status);
        await usersList.refresh();
        return result;
      },
      async remove(id) {
        const result = await api.deleteUser(id);
        await usersList.refresh();
        return result;
      },
    },
  };
}

/**
 * Agents, for admins: every account with its role; a user can be made an agent (who then sees
 * the support console) and an agent a user again. Admins can do everything agents can, and an
 * admin cannot take away their own role. An account can be suspended (and the suspension lifted)
 * or deleted; both sign it out everywhere at once. Anyone else is told who may use the page.
 */
import { useSignal } from '@preact/signals';
import { useEffect, useId, useMemo } from 'preact/hooks';
import type { AdminUser, Role } from '../../common/api.js';
import type { Catalog, Lang } from '../../common/i18n.js';
import type { Users } from '../models/admin.js';

export interface AgentsPageProps {
  /** Null for anyone but an admin. */
  users: Users | null;
  meId: string;
  t: Catalog;
  lang: Lang;
}

const ROLE_ORDER: Record<Role, number> = { admin: 0, agent: 1, user: 2 };

function UserRow({
  user,
  users,
  meId,
  t,
  formatDate,
}: {
  user: AdminUser;
  users: Users;
  meId: string;
  t: Catalog;
  formatDate(ts: number): string;
}) {
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const run = async (change: () => Promise<{ ok: boolean; message?: string }>) => {
    if (busy.value) return;
    busy.value = true;
    error.value = null;
    const result = await change();
    busy.value = false;
    if (!result.ok) error.value = result.message || t.networkError;
  };
  const setRole = (role: Role) => run(() => users.setRole(user.id, role));
  const setStatus = (status: 'active' | 'suspended') => run(() => users.setStatus(user.id, status));
  // NOTE: asked in the row, not with confirm(): a dialog would block the page (and its socket).
  const confirming = useSignal(false);
  const remove = () => {
    confirming.value = false;
    void run(() => users.remove(user.id));
  };
  const live = user.status !== 'deleted';
  const me = user.id === meId;
  return (
    <li class="user-row" data-user={user.username}>
      <div class="user-row-main">
        <span class="user-row-name">
          {user.username}
          {user.id === meId && <span class="muted"> {t.you}</span>}
        </span>
        <span class={`role-pill role-${user.role}`}>{t.roleName[user.role]}</span>
        {user.status !== 'active' && (
          <span class={`status-pill status-${user.status}`}>{t.accountStatusName[user.status]}</span>
        )}
        <span class="user-row-date muted">{t.joined(formatDate(user.createdAt))}</span>
      </div>
      <div class="user-row-actions">
        {live && user.role === 'user' && (
          <button
            type="button"
            class="button small"
            disabled={busy.value}
            aria-label={t.makeAgentLabel(user.username)}
            onClick={() => setRole('agent')}
          >
            {t.makeAgent}
          </button>
        )}
        {live && user.role === 'agent' && (
          <button
            type="button"
            class="button small danger-ghost"
            disabled={busy.value}
            aria-label={t.removeAgentLabel(user.username)}
            onClick={() => setRole('user')}
          >
            {t.removeAgent}
          </button>
        )}
        {live && !me && user.status === 'active' && (
          <button
            type="button"
            class="button small danger-ghost"
            disabled={busy.value}
            aria-label={t.suspendLabel(user.username)}
            onClick={() => setStatus('suspended')}
          >
            {t.suspend}
          </button>
        )}
        {live && !me && user.status === 'suspended' && (
          <button
            type="button"
            class="button small"
            disabled={busy.value}
            aria-label={t.unsuspendLabel(user.username)}
            onClick={() => setStatus('active')}
          >
            {t.unsuspend}
          </button>
        )}
        {live && !me && (
          <button
            type="button"
            class="button small danger-ghost"
            disabled={busy.value}
            aria-label={t.deleteUserLabel(user.username)}
            aria-expanded={confirming.value}
            onClick={() => {
              confirming.value = !confirming.value;
            }}
          >
            {t.deleteUser}
          </button>
        )}
      </div>
      {confirming.value && (
        <div class="user-row-confirm">
          <p>{t.confirmDelete(user.username)}</p>
          <button type="button" class="button small danger" disabled={busy.value} onClick={remove}>
            {t.deleteForGood}
          </button>{' '}
          <button
            type="button"
            class="button small"
            onClick={() => {
              confirming.value = false;
            }}
          >
            {t.cancel}
          </button>
        </div>
      )}
      {error.value && (
        <p class="form-error" role="alert">
          {error.value}
        </p>
      )}
    </li>
  );
}

export function AgentsPage({ users, meId, t, lang }: AgentsPageProps) {
  const id = useId();
  const filter = useSignal('');

  useEffect(() => {
    if (users) void users.refresh();
  }, [users]);

  const formatDate = useMemo(() => {
    const format = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' });
    return (ts: number) => format.format(ts);
  }, [lang]);

  const header = (
    <header class="page-header">
      <h1 id={`${id}-title`}>{t.agents}</h1>
      {users && <p class="page-intro">{t.agentsIntro}</p>}
    </header>
  );

  if (!users) {
    return (
      <section class="page" aria-labelledby={`${id}-title`}>
        <div class="page-inner">
          {header}
          <p class="card admin-only">{t.agentsAdminOnly}</p>
        </div>
      </section>
    );
  }

  const query = filter.value.trim().toLowerCase();
  const list = users.list.value
    .filter((u) => query === '' || u.username.toLowerCase().includes(query))
    .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.username.localeCompare(b.username));
  const load = users.load.value;
  return (
    <section class="page" aria-labelledby={`${id}-title`}>
      <div class="page-inner">
        {header}
        <section class="card" aria-labelledby={`${id}-list`}>
          <h2 id={`${id}-list`}>{t.usersAndRoles}</h2>
          <div class="field">
            <label for={`${id}-filter`}>{t.findUser}</label>
            <input
              id={`${id}-filter`}
              type="search"
              autocomplete="off"
              value={filter.value}
              onInput={(e) => {
                filter.value = e.currentTarget.value;
              }}
            />
          </div>
          {load === 'error' && (
            <p class="form-error" role="alert">
              {t.usersFailed(users.error.value ?? t.networkError)}{' '}
              <button type="button" class="button link" onClick={() => users.refresh()}>
                {t.tryAgain}
              </button>
            </p>
          )}
          {list.length === 0 && load === 'loading' && <p class="muted">{t.loading}</p>}
          {list.length === 0 && load === 'ready' && <p class="muted">{t.noUsers}</p>}
          {list.length > 0 && (
            <ul class="user-list">
              {list.map((user) => (
                <UserRow key={user.id} user={user} users={users} meId={meId} t={t} formatDate={formatDate} />
              ))}
            </ul>
          )}
        </section>
      </div>
    </section>
  );
}

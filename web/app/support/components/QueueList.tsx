/**
 * The queue: conversations by status (tabs for open, pending and resolved, with counts), newest
 * activity first, each with the visitor, the site, the last words, who has it, and its unread
 * count. Arrow keys move between the tabs. Visitor text is only ever text.
 */
import { useId, useMemo, useRef } from 'preact/hooks';
import type { ConversationStatus } from '../../common/api.js';
import { Avatar } from '../../common/components/Avatar.js';
import { Link } from '../../common/components/Link.js';
import type { Catalog, Lang } from '../../common/i18n.js';
import { conversationPath, type Router } from '../../common/models/router.js';
import { type QueueEntry, STATUSES, type SupportDesk } from '../models/support.js';

export interface QueueListProps {
  desk: SupportDesk;
  router: Router;
  t: Catalog;
  lang: Lang;
  meId: string;
  selectedId: string | null;
}

function QueueItem({
  entry,
  router,
  t,
  meId,
  selected,
  formatWhen,
}: {
  entry: QueueEntry;
  router: Router;
  t: Catalog;
  meId: string;
  selected: boolean;
  formatWhen(ts: number): string;
}) {
  const view = entry.view.value;
  const unread = entry.unread.value;
  const name = view.visitor.name || t.visitorFallback;
  const assignee =
    view.assignee === null
      ? t.unassigned
      : view.assignee.id === meId
        ? t.assignedToYou
        : t.assignedTo(view.assignee.name);
  return (
    <li>
      <Link
        router={router}
        href={conversationPath(view.id)}
        class={`queue-item${unread > 0 ? ' has-unread' : ''}`}
        aria-current={selected ? 'page' : undefined}
        data-conversation={view.id}
      >
        <Avatar id={view.visitor.id} name={name} />
        <span class="qi-main">
          <span class="qi-top">
            <span class="qi-name">{name}</span>
            <time class="qi-time" dateTime={new Date(view.lastActivityAt).toISOString()}>
              {formatWhen(view.lastActivityAt)}
            </time>
          </span>
          <span class="qi-sub">
            {view.visitor.email && <span class="qi-email">{view.visitor.email}</span>}
            <span class="qi-site">{view.siteName}</span>
          </span>
          <span class="qi-preview">
            {view.lastFrom === 'agent' && <span class="qi-from">{t.previewAgent}</span>}
            {view.lastPreview}
          </span>
          <span class={`qi-assignee${view.assignee === null ? ' is-unassigned' : ''}`}>{assignee}</span>
        </span>
        {unread > 0 && (
          <span class="badge qi-badge">
            <span aria-hidden="true">{unread}</span>
            <span class="sr-only">{t.unreadCount(unread)}</span>
          </span>
        )}
      </Link>
    </li>
  );
}

export function QueueList({ desk, router, t, lang, meId, selectedId }: QueueListProps) {
  const id = useId();
  const tabs = useRef<HTMLDivElement>(null);
  const tab = desk.tab.value;
  const queue = desk.queue.value;
  const load = desk.load.value;

  const formatWhen = useMemo(() => {
    const time = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' });
    const date = new Intl.DateTimeFormat(lang, { month: 'short', day: 'numeric' });
    return (ts: number) => {
      const then = new Date(ts);
      return then.toDateString() === new Date().toDateString() ? time.format(then) : date.format(then);
    };
  }, [lang]);

  const counts: Record<ConversationStatus, number> = { open: 0, pending: 0, resolved: 0 };
  for (const entry of queue) counts[entry.view.value.status]++;
  const shown = queue.filter((e) => e.view.value.status === tab);

  const pick = (status: ConversationStatus, focus: boolean) => {
    desk.tab.value = status;
    if (focus) tabs.current?.querySelector<HTMLElement>(`[data-status="${status}"]`)?.focus();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const at = STATUSES.indexOf(tab);
    const next =
      event.key === 'ArrowRight'
        ? STATUSES[(at + 1) % STATUSES.length]
        : event.key === 'ArrowLeft'
          ? STATUSES[(at + STATUSES.length - 1) % STATUSES.length]
          : event.key === 'Home'
            ? STATUSES[0]
            : event.key === 'End'
              ? STATUSES[STATUSES.length - 1]
              : undefined;
    if (!next) return;
    event.preventDefault();
    pick(next, true);
  };

  return (
    <nav class="queue" aria-label={t.conversations}>
      <div
        class="queue-tabs"
        role="tablist"
        aria-label={t.conversationStatus}
        ref={tabs}
        onKeyDown={onKeyDown}
      >
        {STATUSES.map((status) => (
          <button
            key={status}
            type="button"
            role="tab"
            id={`${id}-tab-${status}`}
            data-status={status}
            aria-selected={tab === status}
            aria-controls={`${id}-panel`}
            tabIndex={tab === status ? 0 : -1}
            class="queue-tab"
            onClick={() => pick(status, false)}
          >
            {t.statusName[status]}
            <span class="queue-count">{counts[status]}</span>
          </button>
        ))}
      </div>
      <div class="queue-panel" role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-tab-${tab}`}>
        {load === 'error' && (
          <p class="form-error" role="alert">
            {t.queueFailed(desk.error.value ?? t.networkError)}{' '}
            <button type="button" class="button link" onClick={() => desk.refresh()}>
              {t.tryAgain}
            </button>
          </p>
        )}
        {shown.length === 0 && load === 'loading' && <p class="muted queue-empty">{t.loading}</p>}
        {shown.length === 0 && load === 'ready' && <p class="muted queue-empty">{t.queueEmpty[tab]}</p>}
        {shown.length > 0 && (
          <ul class="queue-list">
            {shown.map((entry) => (
              <QueueItem
                key={entry.id}
                entry={entry}
                router={router}
                t={t}
                meId={meId}
                selected={entry.id === selectedId}
                formatWhen={formatWhen}
              />
            ))}
          </ul>
        )}
      </div>
    </nav>
  );
}

/**
 * One conversation in the console: who it is with and where from, who has it (claim, or assign
 * to another agent), its status (resolve, set pending, reopen), the timeline, the visitor's
 * typing, the composer, and the visitor's context beside it (a panel that opens over the thread
 * on narrower screens).
 */
import { useSignal } from '@preact/signals';
import { useEffect, useId, useRef } from 'preact/hooks';
import { Icon } from '../../common/components/Icon.js';
import { Link } from '../../common/components/Link.js';
import { TypingIndicator } from '../../common/components/TypingIndicator.js';
import type { Catalog, Lang } from '../../common/i18n.js';
import { type Router, SUPPORT_PATH } from '../../common/models/router.js';
import type { Typing } from '../../common/models/typing.js';
import type { Conversation } from '../models/conversation.js';
import type { QueueEntry, SupportDesk } from '../models/support.js';
import { SupportComposer } from './SupportComposer.js';
import { SupportTimeline } from './SupportTimeline.js';
import { VisitorPanel } from './VisitorPanel.js';

export interface ConversationPaneProps {
  desk: SupportDesk;
  conversation: Conversation;
  entry: QueueEntry | undefined;
  typing: Typing;
  me: { id: string; name: string };
  router: Router;
  t: Catalog;
  lang: Lang;
}

export function ConversationPane({
  desk,
  conversation,
  entry,
  typing,
  me,
  router,
  t,
  lang,
}: ConversationPaneProps) {
  const id = useId();
  const panelOpen = useSignal(false);
  const panelToggle = useRef<HTMLButtonElement>(null);
  const view = entry?.view.value;
  const visitorName = view?.visitor.name || conversation.context.value?.name || t.visitorFallback;
  const agents = desk.agents.value;
  const actionError = conversation.actionError.value;

  // Escape closes the visitor panel (where it covers the thread) and gives focus back.
  useEffect(() => {
    if (!panelOpen.value) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      panelOpen.value = false;
      panelToggle.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [panelOpen.value]);

  const status = view?.status;
  const assignee = view?.assignee ?? null;
  const mine = assignee?.id === me.id;
  // The current assignee stays in the list even when they are no longer an agent.
  const options = [...agents.map((a) => ({ id: a.id, name: a.username }))];
  if (assignee && !options.some((o) => o.id === assignee.id)) options.push(assignee);

  return (
    <section class={`conv${panelOpen.value ? ' panel-open' : ''}`} aria-labelledby={`${id}-title`}>
      <header class="conv-header">
        <div class="conv-top">
          <Link router={router} href={SUPPORT_PATH} class="conv-back">
            <Icon name="back" />
            <span class="conv-back-text">{t.allConversations}</span>
          </Link>
          <div class="conv-heading">
            <h2 id={`${id}-title`} class="conv-title">
              {visitorName}
            </h2>
            <p class="conv-sub">
              {view?.visitor.email && <span>{view.visitor.email}</span>}
              {view?.siteName && <span>{view.siteName}</span>}
              {status && <span class={`status-pill status-${status}`}>{t.statusName[status]}</span>}
            </p>
          </div>
        </div>
        <div class="conv-actions">
          {view && !mine && (
            <button type="button" class="button small primary" onClick={() => desk.assign(view.id, me.id)}>
              {t.claim}
            </button>
          )}
          {view && (
            <span class="assign">
              <label for={`${id}-assignee`} class="assign-label">
                {t.assignee}
              </label>
              <select
                id={`${id}-assignee`}
                value={assignee?.id ?? ''}
                onChange={(event) => {
                  const to = event.currentTarget.value;
                  desk.assign(view.id, to === '' ? null : to);
                }}
              >
                <option value="">{t.unassigned}</option>
                {options.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.id === me.id ? t.meOption(o.name) : o.name}
                  </option>
                ))}
              </select>
            </span>
          )}
          {view && status !== 'resolved' && (
            <button type="button" class="button small" onClick={() => desk.setStatus(view.id, 'resolved')}>
              {t.resolve}
            </button>
          )}
          {view && status === 'open' && (
            <button
              type="button"
              class="button small ghost"
              onClick={() => desk.setStatus(view.id, 'pending')}
            >
              {t.setPending}
            </button>
          )}
          {view && status !== 'open' && (
            <button type="button" class="button small ghost" onClick={() => desk.setStatus(view.id, 'open')}>
              {t.reopen}
            </button>
          )}
          <button
            ref={panelToggle}
            type="button"
            class="button small ghost vp-toggle"
            aria-expanded={panelOpen.value}
            aria-controls={`${id}-visitor`}
            onClick={() => {
              panelOpen.value = !panelOpen.value;
            }}
          >
            <Icon name="info" />
            <span class="vp-toggle-text">{t.visitorDetails}</span>
          </button>
        </div>
      </header>
      {actionError && (
        <p class="form-error banner" role="alert">
          {actionError}
        </p>
      )}
      <div class="conv-main">
        <div class="conv-thread">
          <SupportTimeline
            conversation={conversation}
            me={me}
            visitorName={visitorName}
            visitorReadSeq={entry?.visitorReadSeq.value ?? 0}
            t={t}
            lang={lang}
          />
          <TypingIndicator users={typing.of(conversation.stream).value} t={t} />
          <SupportComposer conversation={conversation} canned={desk.canned} visitorName={visitorName} t={t} />
        </div>
        <VisitorPanel
          id={`${id}-visitor`}
          conversation={conversation}
          t={t}
          lang={lang}
          onClose={() => {
            panelOpen.value = false;
            panelToggle.current?.focus();
          }}
        />
      </div>
    </section>
  );
}

/**
 * The agent console (agents and admins): the queue beside the open conversation, with the
 * console's header above. On a phone the queue and the conversation are separate views, chosen
 * by the address (`/support` and `/support/<id>`), so Back goes from one to the other. Anyone
 * else who opens the address is told who may use it; the server refuses them too.
 */
import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { ApiUser } from '../../../../shared/api.js';
import type { Catalog, Lang } from '../../common/i18n.js';
import type { Router } from '../../common/models/router.js';
import type { Typing } from '../../common/models/typing.js';
import { CannedPanel } from '../components/CannedPanel.js';
import { ConsoleBar } from '../components/ConsoleBar.js';
import { ConversationPane } from '../components/ConversationPane.js';
import { QueueList } from '../components/QueueList.js';
import type { SupportDesk } from '../models/support.js';

export interface SupportPageProps {
  /** Null for anyone but an agent or an admin. */
  desk: SupportDesk | null;
  me: ApiUser;
  typing: Typing;
  router: Router;
  t: Catalog;
  lang: Lang;
}

export function SupportPage({ desk, me: user, typing, router, t, lang }: SupportPageProps) {
  const cannedOpen = useSignal(false);
  const cannedToggle = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);

  useEffect(() => {
    if (wasOpen.current && !cannedOpen.value) cannedToggle.current?.focus();
    wasOpen.current = cannedOpen.value;
  }, [cannedOpen.value]);

  if (!desk) {
    return (
      <section class="page" aria-labelledby="support-title">
        <div class="page-inner">
          <header class="page-header">
            <h1 id="support-title">{t.supportConsole}</h1>
          </header>
          <p class="card admin-only">{t.agentsOnly}</p>
        </div>
      </section>
    );
  }

  const conversation = desk.current.value;
  const me = { id: user.id, name: user.username };
  return (
    <section class={`console${conversation ? ' has-conversation' : ''}`} aria-label={t.supportConsole}>
      <ConsoleBar
        desk={desk}
        t={t}
        cannedOpen={cannedOpen.value}
        cannedToggleRef={cannedToggle}
        onToggleCanned={() => {
          cannedOpen.value = !cannedOpen.value;
        }}
      />
      <div class="console-body">
        <QueueList
          desk={desk}
          router={router}
          t={t}
          lang={lang}
          meId={me.id}
          selectedId={conversation?.id ?? null}
        />
        <div class="console-main">
          {conversation ? (
            <ConversationPane
              key={conversation.id}
              desk={desk}
              conversation={conversation}
              entry={desk.entry(conversation.id)}
              typing={typing}
              me={me}
              router={router}
              t={t}
              lang={lang}
            />
          ) : (
            <p class="placeholder">{t.pickConversation}</p>
          )}
        </div>
        {cannedOpen.value && (
          <CannedPanel
            canned={desk.canned}
            t={t}
            onClose={() => {
              cannedOpen.value = false;
            }}
          />
        )}
      </div>
    </section>
  );
}

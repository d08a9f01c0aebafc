/**
 * The agent console (agents and admins): the queue beside the open conversation, with the
 * console's header above. On a phone the queue and the conversation are separate views, chosen
 * by the address (`/support` and `/support/<id>`), so Back goes from one to the other. Anyone
 * else who opens the address is told who may use it; the server refuses them too.
 */
import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { Catalog, Lang } from '../../common/i18n.js';
import type { Router } from '../../common/models/router.js';
import type { Workspace } from '../../shell/models/workspace.js';
import { CannedPanel } from '../components/CannedPanel.js';
import { ConsoleBar } from '../components/ConsoleBar.js';
import { ConversationPane } from '../components/ConversationPane.js';
import { QueueList } from '../components/QueueList.js';

export interface SupportPageProps {
  workspace: Workspace;
  router: Router;
  t: Catalog;
  lang: Lang;
}

export function SupportPage({ workspace, router, t, lang }: SupportPageProps) {
  const desk = workspace.support;
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
  const me = { id: workspace.me.id, name: workspace.me.username };
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
              typing={workspace.typing}
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

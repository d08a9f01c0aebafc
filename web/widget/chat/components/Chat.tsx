/**
 * The panel: a non-modal dialog next to the launcher (full screen on a phone). Opening moves the
 * focus into it; Escape and the close button close it and give the focus back to the launcher.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { ChatModel } from '../model.js';
import { ConversationList } from './ConversationList.js';
import { Icon } from './Icon.js';
import { ThreadView } from './ThreadView.js';

function Body({ model }: { model: ChatModel }) {
  const { t } = model;
  if (model.failure.value !== null) {
    return (
      <div class="b">
        <p class="nt">{t.loadFailed}</p>
        <button type="button" class="btn" onClick={() => void model.init()}>
          {t.tryAgain}
        </button>
      </div>
    );
  }
  if (!model.config.value) {
    return (
      <div class="b" aria-busy="true">
        <p class="ld">{t.loading}</p>
      </div>
    );
  }
  return model.view.value === 'list' ? <ConversationList model={model} /> : <ThreadView model={model} />;
}

export function Chat({ model }: { model: ChatModel }) {
  const { t } = model;
  const isOpen = model.open.value;
  const config = model.config.value;
  const panel = useRef<HTMLElement>(null);
  const status = model.status.value;

  useEffect(() => {
    const el = panel.current;
    if (!isOpen || !el) return;
    // The message box if there is one, else the first field, else the panel itself.
    const target = el.querySelector<HTMLElement>('.f .in, .fm .in, .b .btn, .ci') ?? el;
    target.focus();
  }, [isOpen, !!config]);

  return (
    <section ref={panel} class="p" role="dialog" aria-labelledby="sb-title" hidden={!isOpen} tabIndex={-1}>
      <header class="h">
        {model.conversations.value.length > 1 && model.view.value === 'thread' && (
          <button type="button" class="ib" aria-label={t.back} onClick={model.showList}>
            <Icon name="list" />
          </button>
        )}
        <div class="ht">
          <h2 id="sb-title">{config?.site.name || t.support}</h2>
          {config && <p>{config.available ? t.online : t.away}</p>}
        </div>
        <button type="button" class="ib" aria-label={t.close} onClick={model.host.close}>
          <Icon name="close" />
        </button>
      </header>
      {(status === 'reconnecting' || status === 'offline') && (
        <p class="cn" role="status">
          {status === 'offline' ? t.offline : t.reconnecting}
        </p>
      )}
      <Body model={model} />
    </section>
  );
}

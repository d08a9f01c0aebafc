/** One conversation: greeting, notices, messages with their states, typing, and what to write in. */
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { ChatModel } from '../model.js';
import { type Item, seenKey } from '../thread.js';
import { Composer } from './Composer.js';
import { LeaveMessageForm, PrechatForm } from './Forms.js';
import { MessageText } from './MessageText.js';

function MessageItem({
  model,
  item,
  showName,
  seen,
}: {
  model: ChatModel;
  item: Item;
  showName: boolean;
  seen: boolean;
}) {
  const { t } = model;
  return (
    <div class={item.mine ? 'm me' : 'm'}>
      {item.mine ? (
        <span class="vh">{t.you}: </span>
      ) : (
        <>
          <span class={showName ? 'n' : 'vh'}>{item.name}</span>
          <span class="vh">: </span>
        </>
      )}
      <div class="bu" title={t.time(item.ts)}>
        <MessageText text={item.text} />
      </div>
      {item.status === 'pending' && <span class="st">{t.sending}</span>}
      {item.status === 'failed' && (
        <span class="st er">
          {t.failed(item.error ?? '')}{' '}
          <button type="button" class="lk" onClick={() => model.retry(item)}>
            {t.retry}
          </button>
        </span>
      )}
      {seen && <span class="st">{t.seen}</span>}
    </div>
  );
}

export function ThreadView({ model }: { model: ChatModel }) {
  const { t } = model;
  const th = model.active.value;
  const items = th.items.value;
  const seen = seenKey(items, th.seenSeq.value);
  const typing = th.typing.value;
  const unavailable = model.unavailable.value;
  const name = model.profile.value.name;
  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);

  // Stay at the newest message unless the visitor scrolled up to read older ones.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  });
  const onScroll = () => {
    const el = scroller.current;
    if (el) pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
  };

  let footer: preact.JSX.Element | null = <Composer model={model} />;
  let form: preact.JSX.Element | null = null;
  if (model.needsPrechat.value) {
    form = <PrechatForm model={model} />;
    footer = null;
  } else if (unavailable && model.isNew.value) {
    form = <LeaveMessageForm model={model} reason={unavailable} />;
    footer = null;
  }

  return (
    <>
      <div class="b" ref={scroller} onScroll={onScroll}>
        <p class="g">
          <MessageText text={model.greeting.value} />
        </p>
        {name && !model.isNew.value && <p class="who">{t.chattingAs(name)}</p>}
        {th.hasMore.value && (
          <button type="button" class="more" disabled={th.loadingOlder.value} onClick={model.loadOlder}>
            {t.earlier}
          </button>
        )}
        {items.length > 0 && (
          <div class="ms" role="log" aria-label={t.messages}>
            {items.map((item, i) => (
              <MessageItem
                key={item.key}
                model={model}
                item={item}
                showName={!item.mine && (i === 0 || items[i - 1]?.name !== item.name || !!items[i - 1]?.mine)}
                seen={item.key === seen}
              />
            ))}
          </div>
        )}
        {unavailable && !model.isNew.value && (
          <p class="nt" role="status">
            {unavailable === 'outside_hours' ? t.outsideHours : t.noAgents}{' '}
            {model.leftMessage.value && t.replyByEmail}
          </p>
        )}
        {form}
      </div>
      <p class="ty" aria-live="polite">
        {typing ? t.typing(typing) : ''}
      </p>
      {footer}
    </>
  );
}

/**
 * The conversation: older pages on demand (scrolling to the top, or the button), live messages and
 * pushed events at the bottom, this tab's unsent messages after them. Stays pinned to the bottom
 * while the reader is there, and keeps the reader's place when older messages are put above.
 */
import { Fragment } from 'preact';
import { useMemo } from 'preact/hooks';
import { useHistoryScroll } from '../../common/components/useHistoryScroll.js';
import type { Catalog, Lang } from '../../common/i18n.js';
import type { LocalSend } from '../../common/models/stream-chat.js';
import type { RoomChat } from '../models/chat.js';
import { EventItem } from './EventItem.js';
import { MessageItem } from './MessageItem.js';

/** A message this soon after the previous one by the same author continues it. */
const CONTINUE_MS = 5 * 60_000;

export interface MessageListProps {
  chat: RoomChat;
  me: { id: string; name: string };
  t: Catalog;
  lang: Lang;
  /** A line under one message: "Seen" in a DM, under the user's newest one. */
  seen?: { seq: number; text: string } | undefined;
}

export function MessageList({ chat, me, t, lang, seen }: MessageListProps) {
  const messages = chat.messages.value;
  const local = chat.local.value;
  const status = chat.status.value;
  const hasMore = chat.hasMore.value;
  const older = chat.olderStatus.value;
  const lastSeq = messages.at(-1)?.seq ?? 0;

  const { formatTime, formatDate } = useMemo(() => {
    const time = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' });
    const date = new Intl.DateTimeFormat(lang, { dateStyle: 'full', timeStyle: 'short' });
    return { formatTime: (ts: number) => time.format(ts), formatDate: (ts: number) => date.format(ts) };
  }, [lang]);

  // "Sent" is shown on the newest delivered send only; older ones need no reassurance.
  const localById = useMemo(() => {
    const latestSent = local.findLast((l) => l.status === 'sent')?.clientMsgId;
    return new Map(
      local.filter((l) => l.status !== 'sent' || l.clientMsgId === latestSent).map((l) => [l.clientMsgId, l]),
    );
  }, [local]);
  // Own sends not in the list yet: pending, failed, or acked but not yet delivered back.
  const trailing = useMemo(
    () => local.filter((l) => l.status !== 'sent' || (l.seq !== undefined && l.seq > lastSeq)),
    [local, lastSeq],
  );

  // A new message of this tab's own (its local send) takes the reader to the bottom.
  const { scroller, onScroll } = useHistoryScroll(chat, messages[0]?.seq ?? 0, local.length, [
    messages,
    local,
    status,
  ]);

  const meRef = { id: me.id, name: me.name };
  let previous: { id: string; ts: number } | null = null;
  const continues = (authorId: string, ts: number) => {
    const result = previous !== null && previous.id === authorId && ts - previous.ts < CONTINUE_MS;
    previous = { id: authorId, ts };
    return result;
  };

  return (
    <div class="messages" ref={scroller} onScroll={onScroll}>
      <div class="history-edge">
        {status === 'loading' && <p class="muted">{t.loading}</p>}
        {status === 'error' && (
          <p class="form-error" role="alert">
            {t.historyFailed(chat.error.value ?? '')}{' '}
            <button type="button" class="button link" onClick={() => chat.loadNewest()}>
              {t.tryAgain}
            </button>
          </p>
        )}
        {status === 'ready' && hasMore && (
          <button
            type="button"
            class="button ghost small"
            disabled={older === 'loading'}
            onClick={() => chat.loadOlder()}
          >
            {older === 'loading' ? t.loadingOlder : t.loadOlder}
          </button>
        )}
        {status === 'ready' && older === 'error' && (
          <p class="form-error" role="alert">
            {t.historyFailed(chat.error.value ?? '')}
          </p>
        )}
        {status === 'ready' && !hasMore && messages.length > 0 && (
          <p class="muted beginning">{t.beginning}</p>
        )}
        {status === 'ready' && messages.length === 0 && local.length === 0 && <p class="muted">{t.empty}</p>}
      </div>
      <div class="log" role="log" aria-live="polite" aria-label={t.messages} aria-busy={older === 'loading'}>
        {messages.map((m) => {
          // A change (edit, reaction, membership) is folded into what it changes, not drawn.
          if (m.type === 'change') return null;
          if (m.type === 'event') {
            // An event line breaks a run of messages: the next one shows its author again.
            previous = null;
            return <EventItem key={m.seq} event={m} t={t} formatTime={formatTime} formatDate={formatDate} />;
          }
          const item = (
            <MessageItem
              key={m.seq}
              author={m.from}
              text={m.text}
              ts={m.ts}
              compact={continues(m.from.id, m.ts)}
              own={m.from.id === me.id}
              local={m.from.id === me.id ? localById.get(m.clientMsgId) : undefined}
              t={t}
              formatTime={formatTime}
              formatDate={formatDate}
            />
          );
          if (seen?.seq !== m.seq) return item;
          return (
            <Fragment key={m.seq}>
              {item}
              <p class="msg-seen">{seen.text}</p>
            </Fragment>
          );
        })}
        {trailing.map((l: LocalSend) => (
          <MessageItem
            key={l.clientMsgId}
            author={meRef}
            text={l.text}
            ts={l.createdAt}
            compact={continues(me.id, l.createdAt)}
            own
            local={l}
            t={t}
            formatTime={formatTime}
            formatDate={formatDate}
            onRetry={chat.retry}
          />
        ))}
      </div>
    </div>
  );
}

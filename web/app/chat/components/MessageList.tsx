/**
 * The conversation: older pages on demand (scrolling to the top, or the button), live messages and
 * pushed events at the bottom, this tab's unsent messages after them, with a line for each day.
 * Opening a room with unread messages scrolls to the first of them, under a "New" divider; while
 * the reader is scrolled up, newer messages gather in a "3 new messages ↓" pill, and "Jump to
 * latest" goes back down. Stays pinned to the bottom while the reader is there, and keeps the
 * reader's place when older messages are put above.
 */
import { useEffect, useMemo, useRef } from 'preact/hooks';
import { isRoomMention } from '../../../../shared/mentions.js';
import type { LogFrame } from '../../../../shared/protocol.js';
import { useHistoryScroll } from '../../common/components/useHistoryScroll.js';
import type { Catalog, Lang } from '../../common/i18n.js';
import type { LocalSend } from '../../common/models/stream-chat.js';
import type { RoomChat } from '../models/chat.js';
import { mentionsMe, type RoomEntry } from '../models/rooms.js';
import { dayKey, dayLabel } from './days.js';
import { EventItem } from './EventItem.js';
import { MessageItem } from './MessageItem.js';

/** A message this soon after the previous one by the same author continues it. */
const CONTINUE_MS = 5 * 60_000;
/** Opening a room, older pages are fetched to reach the first unread message at most this far back. */
const CHASE_UNREAD = 200;

export interface MessageListProps {
  chat: RoomChat;
  room: RoomEntry;
  me: { id: string; name: string };
  t: Catalog;
  lang: Lang;
  /** A line under one message: "Seen" in a DM, under the user's newest one. */
  seen?: { seq: number; text: string } | undefined;
}

/** News to the reader: a message from someone else, or a pushed event. */
const isNews = (m: LogFrame, meId: string): boolean =>
  m.type === 'event' || (m.type === 'msg' && m.from.id !== meId);

const fold = (s: string): string => s.normalize('NFKC').toLowerCase();

export function MessageList({ chat, room, me, t, lang, seen }: MessageListProps) {
  const messages = chat.messages.value;
  const local = chat.local.value;
  const status = chat.status.value;
  const hasMore = chat.hasMore.value;
  const older = chat.olderStatus.value;
  const lastSeq = messages.at(-1)?.seq ?? 0;
  const firstSeq = messages[0]?.seq ?? 0;

  // Where the reader had read to when the room opened: what is after it is new this visit.
  const readAtOpen = useRef(room.readSeq.peek()).current;
  // Whether anything was unread then: the reader's own messages after readSeq are not news, so
  // a room of only one's own recent messages opens at the bottom, with nothing to chase.
  const unreadAtOpen = useRef(room.unread.peek()).current;
  const divider = useRef<HTMLDivElement>(null);
  const firstUnread = useMemo(
    () => messages.find((m) => m.seq > readAtOpen && isNews(m, me.id))?.seq,
    [messages, readAtOpen, me.id],
  );
  // Not loaded yet: older than the page held, and not too far back to chase.
  const unreadAbove = status === 'ready' && hasMore && unreadAtOpen > 0 && readAtOpen + 1 < firstSeq;
  const chase = unreadAbove && lastSeq - readAtOpen <= CHASE_UNREAD;
  // Too far back to chase: the divider goes above the oldest message held, all of them new.
  const newFrom = firstUnread ?? (unreadAbove && !chase ? firstSeq : undefined);

  useEffect(() => {
    if (chase && older !== 'loading' && older !== 'error') void chat.loadOlder();
  }, [chase, older, chat]);

  const { formatTime, formatDate, formatDay } = useMemo(() => {
    const time = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' });
    const date = new Intl.DateTimeFormat(lang, { dateStyle: 'full', timeStyle: 'short' });
    const day = new Intl.DateTimeFormat(lang, { weekday: 'long', month: 'long', day: 'numeric' });
    const dayWithYear = new Intl.DateTimeFormat(lang, { dateStyle: 'long' });
    return {
      formatTime: (ts: number) => time.format(ts),
      formatDate: (ts: number) => date.format(ts),
      formatDay: (ts: number, sameYear: boolean) => (sameYear ? day : dayWithYear).format(ts),
    };
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

  // Which `@name`s are the reader: one function per kind of mention, so a message's text is
  // parsed again only when it changes.
  const highlight = useMemo(() => {
    const mine = fold(me.name);
    const isMe = (name: string) => fold(name) === mine;
    return {
      me: isMe,
      room: isRoomMention,
      both: (name: string) => isMe(name) || isRoomMention(name),
    };
  }, [me.name]);
  const highlightFor = (m: Extract<LogFrame, { type: 'msg' }>) => {
    if (!mentionsMe(m, me.id)) return undefined;
    const byName = m.mentions?.includes(me.id) ?? false;
    const room = m.mentions?.includes('room') ?? false;
    return byName && room ? highlight.both : byName ? highlight.me : highlight.room;
  };

  // A new message of this tab's own (its local send) takes the reader to the bottom.
  const { scroller, onScroll, atBottom, toBottom } = useHistoryScroll(
    chat,
    firstSeq,
    local.length,
    [messages, local, status],
    {
      anchor: () => {
        if (status !== 'ready' || chase) return 'wait';
        return newFrom === undefined ? null : divider.current;
      },
    },
  );

  // Messages that came in since the reader was last at the bottom.
  const seenUpTo = useRef(lastSeq);
  if (atBottom || seenUpTo.current === 0) seenUpTo.current = lastSeq;
  const arrived = atBottom ? 0 : messages.filter((m) => m.seq > seenUpTo.current && isNews(m, me.id)).length;

  const meRef = { id: me.id, name: me.name };
  let previous: { id: string; ts: number } | null = null;
  const continues = (authorId: string, ts: number) => {
    const result = previous !== null && previous.id === authorId && ts - previous.ts < CONTINUE_MS;
    previous = { id: authorId, ts };
    return result;
  };
  const now = Date.now();
  let lastDay: string | null = null;
  /** A day's line when `ts` starts a new day (it also breaks a run of messages). */
  const dayLine = (ts: number) => {
    const key = dayKey(ts);
    if (key === lastDay) return null;
    lastDay = key;
    previous = null;
    return (
      <div key={`day-${key}`} class="day-separator">
        <span>{dayLabel(ts, now, t, formatDay)}</span>
      </div>
    );
  };
  const newLine = (seq: number) => {
    if (seq !== newFrom) return null;
    previous = null;
    return (
      <div key="new" ref={divider} class="new-divider">
        <span>{t.newDivider}</span>
      </div>
    );
  };
  const empty = status === 'ready' && messages.length === 0 && local.length === 0;

  return (
    <div class="messages-pane">
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
          {empty && (
            <div class="empty-room">
              <p class="muted">{t.empty}</p>
              <p>{t.emptyInvite(room.title)}</p>
              <button
                type="button"
                class="button small"
                onClick={() => document.getElementById('composer')?.focus()}
              >
                {t.writeFirst}
              </button>
            </div>
          )}
        </div>
        <div
          class="log"
          role="log"
          aria-live="polite"
          aria-label={t.messages}
          aria-busy={older === 'loading'}
        >
          {messages.map((m) => {
            // A change (edit, reaction, membership) is folded into what it changes, not drawn.
            if (m.type === 'change') return null;
            const lines = [dayLine(m.ts), newLine(m.seq)];
            if (m.type === 'event') {
              // An event line breaks a run of messages: the next one shows its author again.
              previous = null;
              return [
                ...lines,
                <EventItem key={m.seq} event={m} t={t} formatTime={formatTime} formatDate={formatDate} />,
              ];
            }
            return [
              ...lines,
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
                mentionsMe={highlightFor(m)}
              />,
              // "Seen" in a DM, under the user's newest message once someone read that far.
              seen?.seq === m.seq ? (
                <p key={`seen-${m.seq}`} class="msg-seen">
                  {seen.text}
                </p>
              ) : null,
            ];
          })}
          {trailing.map((l: LocalSend) => [
            dayLine(l.createdAt),
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
            />,
          ])}
        </div>
      </div>
      {!atBottom && status === 'ready' && (
        <div class="reading-tools">
          <button
            type="button"
            class={`button small pill${arrived > 0 ? ' primary' : ''}`}
            onClick={toBottom}
          >
            {arrived > 0 ? `${t.newMessages(arrived)} ↓` : `${t.jumpToLatest} ↓`}
          </button>
        </div>
      )}
    </div>
  );
}

/**
 * A conversation as the agent reads it: the visitor's messages and the agents' replies (with each
 * agent's name), the private notes between them in time order (marked, and never sent to the
 * visitor), this tab's unsent replies and notes, and "Seen" under the newest agent reply once the
 * visitor's read receipt covers it. Stays pinned to the bottom while the reader is there.
 */
import { useMemo } from 'preact/hooks';
import type { LogFrame, MsgFrame } from '../../../../shared/protocol.js';
import { Avatar } from '../../common/components/Avatar.js';
import { MessageText } from '../../common/components/MessageText.js';
import { useHistoryScroll } from '../../common/components/useHistoryScroll.js';
import type { Catalog, Lang } from '../../common/i18n.js';
import type { LocalSend } from '../../common/models/stream-chat.js';
import { type Conversation, isVisitorId } from '../models/conversation.js';

type Item =
  | { kind: 'msg'; key: string; ts: number; msg: MsgFrame; note: boolean }
  | { kind: 'local'; key: string; ts: number; local: LocalSend; note: boolean };

const msgs = (frames: readonly LogFrame[]): MsgFrame[] =>
  frames.filter((f): f is MsgFrame => f.type === 'msg');

export interface SupportTimelineProps {
  conversation: Conversation;
  me: { id: string; name: string };
  visitorName: string;
  /** How far the visitor has read. */
  visitorReadSeq: number;
  t: Catalog;
  lang: Lang;
}

export function SupportTimeline({
  conversation,
  me,
  visitorName,
  visitorReadSeq,
  t,
  lang,
}: SupportTimelineProps) {
  const { chat, notes } = conversation;
  const rawMessages = chat.messages.value;
  const rawNotes = notes.messages.value;
  const messages = useMemo(() => msgs(rawMessages), [rawMessages]);
  const noteList = useMemo(() => msgs(rawNotes), [rawNotes]);
  const local = chat.local.value;
  const localNotes = notes.local.value;
  const status = chat.status.value;
  const hasMore = chat.hasMore.value;
  const older = chat.olderStatus.value;

  const { formatTime, formatDate } = useMemo(() => {
    const time = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' });
    const date = new Intl.DateTimeFormat(lang, { dateStyle: 'full', timeStyle: 'short' });
    return { formatTime: (ts: number) => time.format(ts), formatDate: (ts: number) => date.format(ts) };
  }, [lang]);

  const lastSeq = messages.at(-1)?.seq ?? 0;
  const lastNoteSeq = noteList.at(-1)?.seq ?? 0;
  const items = useMemo(() => {
    const out: Item[] = [];
    // Older messages not loaded yet: notes from before the first one held wait for them.
    const from = hasMore ? (messages[0]?.ts ?? 0) : 0;
    for (const msg of messages) out.push({ kind: 'msg', key: `m${msg.seq}`, ts: msg.ts, msg, note: false });
    for (const msg of noteList) {
      if (msg.ts >= from) out.push({ kind: 'msg', key: `n${msg.seq}`, ts: msg.ts, msg, note: true });
    }
    // Own sends not in the log yet: pending, failed, or acknowledged but not yet delivered back.
    // One already in the log (a page fetched it before its confirmation came) is shown from there.
    const logged = new Set([...messages, ...noteList].map((m) => m.clientMsgId));
    const pendingOf = (list: readonly LocalSend[], last: number) =>
      list.filter(
        (l) => !logged.has(l.clientMsgId) && (l.status !== 'sent' || (l.seq !== undefined && l.seq > last)),
      );
    for (const l of pendingOf(local, lastSeq)) {
      out.push({ kind: 'local', key: `l${l.clientMsgId}`, ts: l.createdAt, local: l, note: false });
    }
    for (const l of pendingOf(localNotes, lastNoteSeq)) {
      out.push({ kind: 'local', key: `k${l.clientMsgId}`, ts: l.createdAt, local: l, note: true });
    }
    // A stable sort keeps each log's own order for equal times.
    return out.sort((a, b) => a.ts - b.ts);
  }, [messages, noteList, local, localNotes, hasMore, lastSeq, lastNoteSeq]);

  // "Seen" goes under the newest agent reply, and only once the visitor has read that far.
  const lastAgentSeq = messages.findLast((m) => !isVisitorId(m.from.id))?.seq ?? 0;
  const seenSeq = lastAgentSeq > 0 && visitorReadSeq >= lastAgentSeq ? lastAgentSeq : 0;

  // Any new item (the visitor's message, a colleague's reply or note) takes the reader down.
  const { scroller, onScroll } = useHistoryScroll(chat, messages[0]?.seq ?? 0, items.length, [
    items,
    seenSeq,
    status,
  ]);

  const line = (item: Item) => {
    const author = item.kind === 'msg' ? item.msg.from : me;
    const text = item.kind === 'msg' ? item.msg.text : item.local.text;
    const visitor = isVisitorId(author.id);
    const local = item.kind === 'local' ? item.local : null;
    const classes = [
      'sm',
      item.note ? 'sm-note' : visitor ? 'from-visitor' : 'from-agent',
      author.id === me.id && 'own',
      local && `is-${local.status}`,
    ].filter(Boolean);
    const seen = item.kind === 'msg' && !item.note && item.msg.seq === seenSeq;
    return (
      <article key={item.key} class={classes.join(' ')}>
        <Avatar id={author.id} name={author.name || visitorName} small />
        <div class="sm-body">
          <header class="sm-head">
            {item.note && <span class="sm-note-label">{t.privateNote}</span>}
            <span class="sm-author">{visitor ? author.name || visitorName : author.name}</span>
            {!visitor && !item.note && <span class="sm-role">{t.agentLabel}</span>}
            <time dateTime={new Date(item.ts).toISOString()} title={formatDate(item.ts)}>
              {formatTime(item.ts)}
            </time>
          </header>
          <div class="sm-text md">
            <MessageText text={text} />
          </div>
          {local && local.status !== 'sent' && (
            <p class={`msg-status status-${local.status}`}>
              {local.status === 'pending' ? t.pending : t.failed(local.error ?? '')}
              {local.status === 'failed' && (
                <button
                  type="button"
                  class="button link"
                  onClick={() => (item.note ? notes : chat).retry(local.clientMsgId)}
                >
                  {t.retry}
                </button>
              )}
            </p>
          )}
          {seen && <p class="sm-seen">{t.seen}</p>}
        </div>
      </article>
    );
  };

  return (
    <div class="sm-scroll" ref={scroller} onScroll={onScroll}>
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
        {notes.status.value === 'error' && (
          <p class="form-error" role="alert">
            {t.notesFailed(notes.error.value ?? '')}{' '}
            <button type="button" class="button link" onClick={() => notes.loadNewest()}>
              {t.tryAgain}
            </button>
          </p>
        )}
      </div>
      <div class="sm-log" role="log" aria-live="polite" aria-label={t.conversationLog(visitorName)}>
        {items.map(line)}
      </div>
    </div>
  );
}

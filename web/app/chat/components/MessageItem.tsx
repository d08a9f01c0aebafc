/** One message: author and time (unless it continues the previous one), text, and send status. */

import { Avatar } from '../../common/components/Avatar.js';
import { MessageText } from '../../common/components/MessageText.js';
import type { Catalog } from '../../common/i18n.js';
import type { LocalSend } from '../../common/models/stream-chat.js';

export interface MessageItemProps {
  author: { id: string; name: string };
  text: string;
  ts: number;
  /** Continues the previous message by the same author: no avatar or name. */
  compact: boolean;
  own: boolean;
  /** Set for this tab's own sends. */
  local?: LocalSend | undefined;
  t: Catalog;
  formatTime(ts: number): string;
  formatDate(ts: number): string;
  onRetry?: ((clientMsgId: string) => void) | undefined;
  /** Set when the message mentions the reader: which `@name`s in it are the reader (or `@room`). */
  mentionsMe?: ((name: string) => boolean) | undefined;
}

export function MessageItem({
  author,
  text,
  ts,
  compact,
  own,
  local,
  t,
  formatTime,
  formatDate,
  onRetry,
  mentionsMe,
}: MessageItemProps) {
  const status = local?.status;
  const classes = [
    'msg',
    compact && 'compact',
    own && 'own',
    status && `is-${status}`,
    mentionsMe && 'mentions-me',
  ].filter(Boolean);
  const time = (
    <time dateTime={new Date(ts).toISOString()} title={formatDate(ts)}>
      {formatTime(ts)}
    </time>
  );
  return (
    <article class={classes.join(' ')}>
      <div class="msg-gutter">
        {compact ? (
          <span class="msg-time-compact">{time}</span>
        ) : (
          <Avatar id={author.id} name={author.name} />
        )}
      </div>
      <div class="msg-body">
        {compact ? (
          <span class="sr-only">{author.name}</span>
        ) : (
          <header class="msg-head">
            <span class="msg-author">{author.name}</span>
            {time}
          </header>
        )}
        <div class="msg-text md">
          <MessageText text={text} mentionsMe={mentionsMe} />
        </div>
        {local && local.status !== 'sent' && (
          <p class={`msg-status status-${local.status}`}>
            {local.status === 'pending' ? t.pending : t.failed(local.error ?? '')}
            {local.status === 'failed' && onRetry && (
              <button type="button" class="button link" onClick={() => onRetry(local.clientMsgId)}>
                {t.retry}
              </button>
            )}
          </p>
        )}
        {local?.status === 'sent' && <p class="msg-status status-sent">{t.sent}</p>}
      </div>
    </article>
  );
}

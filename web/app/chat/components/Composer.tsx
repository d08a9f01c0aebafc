/**
 * Writes a message: Enter sends, Shift+Enter adds a line, typing is reported while it goes on.
 * The text stays plain (Markdown is drawn once sent); `@` offers the room's members.
 */
import { useSignal } from '@preact/signals';
import { useEffect, useId, useRef } from 'preact/hooks';
import { isRoomMention, mentionNames } from '../../../../shared/mentions.js';
import { Icon } from '../../common/components/Icon.js';
import type { Catalog } from '../../common/i18n.js';
import type { RoomChat } from '../models/chat.js';
import type { MemberSearch } from '../models/members.js';
import {
  applyMention,
  MentionList,
  type MentionOption,
  type MentionQuery,
  mentionQueryAt,
  optionId,
} from './MentionList.js';

const MAX_ROWS = 6;

export interface ComposerProps {
  chat: RoomChat;
  t: Catalog;
  roomTitle: string;
  members: MemberSearch;
  meId: string;
  /** Owners and moderators may mention `@room`. */
  canMentionRoom: boolean;
}

export function Composer({ chat, t, roomTitle, members, meId, canMentionRoom }: ComposerProps) {
  const text = useSignal('');
  const error = useSignal<string | null>(null);
  const at = useSignal<MentionQuery | null>(null);
  const options = useSignal<MentionOption[]>([]);
  const active = useSignal(0);
  const input = useRef<HTMLTextAreaElement>(null);
  const id = useId();
  const listId = `${id}-mentions`;
  const value = text.value;
  const rows = Math.min(MAX_ROWS, value.split('\n').length);
  const open = at.value !== null && options.value.length > 0;

  // The options for the `@` at the caret; a late answer for an older query is dropped.
  useEffect(() => {
    const query = at.value;
    if (!query) {
      options.value = [];
      return;
    }
    let current = true;
    const room: MentionOption[] =
      canMentionRoom && 'room'.startsWith(query.query.toLowerCase()) ? [{ kind: 'room' }] : [];
    void members.find(query.query).then((found) => {
      if (!current) return;
      const people = found
        .filter((m) => m.id !== meId)
        .map((member): MentionOption => ({ kind: 'member', member }));
      options.value = [...people, ...room];
      active.value = 0;
    });
    return () => {
      current = false;
    };
  }, [at.value?.start, at.value?.query, members, meId, canMentionRoom]);

  const track = (el: HTMLTextAreaElement) => {
    at.value = el.selectionStart === el.selectionEnd ? mentionQueryAt(el.value, el.selectionStart) : null;
  };

  const pick = (option: MentionOption) => {
    const query = at.peek();
    const el = input.current;
    if (!query || !el) return;
    const next = applyMention(text.peek(), query, option);
    text.value = next.text;
    el.value = next.text;
    el.setSelectionRange(next.caret, next.caret);
    at.value = null;
    chat.typing.input(next.text);
  };

  const submit = () => {
    if (value.trim() === '') return;
    // The server would refuse it (room_mention_forbidden); say so here and keep the text.
    if (!canMentionRoom && mentionNames(value).some(isRoomMention)) {
      error.value = t.roomMentionNotAllowed;
      return;
    }
    chat.send(value);
    text.value = '';
    at.value = null;
    error.value = null;
  };

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      {open && <MentionList id={listId} options={options.value} active={active.value} t={t} onPick={pick} />}
      {error.value && (
        <p class="form-error composer-error" role="alert">
          {error.value}
        </p>
      )}
      <label for="composer" class="sr-only">
        {t.message}
      </label>
      <textarea
        ref={input}
        id="composer"
        class="composer-input"
        rows={rows}
        placeholder={t.messagePlaceholder(roomTitle)}
        aria-describedby={`${id}-hint`}
        aria-autocomplete="list"
        aria-controls={open ? listId : undefined}
        aria-activedescendant={open ? optionId(listId, active.value) : undefined}
        value={value}
        onInput={(event) => {
          text.value = event.currentTarget.value;
          error.value = null;
          track(event.currentTarget);
          chat.typing.input(event.currentTarget.value);
        }}
        onClick={(event) => track(event.currentTarget)}
        onKeyUp={(event) => {
          if (
            event.key === 'ArrowLeft' ||
            event.key === 'ArrowRight' ||
            event.key === 'Home' ||
            event.key === 'End'
          )
            track(event.currentTarget);
        }}
        onBlur={() => {
          at.value = null;
        }}
        onKeyDown={(event) => {
          if (open) {
            const n = options.peek().length;
            if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
              event.preventDefault();
              active.value = (active.peek() + (event.key === 'ArrowDown' ? 1 : n - 1)) % n;
              return;
            }
            if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              const option = options.peek()[active.peek()];
              if (option) pick(option);
              return;
            }
            if (event.key === 'Escape') {
              event.preventDefault();
              event.stopPropagation();
              at.value = null;
              return;
            }
          }
          // isComposing: Enter that confirms an IME candidate (Chinese, Japanese) must not send.
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
            event.preventDefault();
            submit();
          }
        }}
      />
      <span id={`${id}-hint`} class="composer-hint">
        {t.composerHint}
      </span>
      <button type="submit" class="button primary send" disabled={value.trim() === ''}>
        <Icon name="send" />
        <span class="send-label">{t.send}</span>
      </button>
    </form>
  );
}

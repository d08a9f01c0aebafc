/**
 * What the agent writes: a reply to the visitor, or (switched by the two buttons above it) a
 * private note that only agents see, styled apart so the two are never confused. Each has its own
 * draft, kept per conversation. Typing `/` and a shortcut suggests canned responses: arrow keys
 * choose, Enter or Tab inserts, Escape closes the list. Enter sends, Shift+Enter adds a line.
 * Typing is reported to the visitor for replies only.
 */
import { useSignal } from '@preact/signals';
import { useId, useLayoutEffect, useRef } from 'preact/hooks';
import type { CannedResponse } from '../../common/api.js';
import { Icon } from '../../common/components/Icon.js';
import type { Catalog } from '../../common/i18n.js';
import { type Canned, cannedQuery, insertCanned, matchCanned } from '../models/canned.js';
import type { Conversation } from '../models/conversation.js';

const MAX_ROWS = 8;
const CARET_KEYS = new Set([
  'ArrowLeft',
  'ArrowRight',
  'ArrowUp',
  'ArrowDown',
  'Home',
  'End',
  'PageUp',
  'PageDown',
]);

export interface SupportComposerProps {
  conversation: Conversation;
  canned: Canned;
  visitorName: string;
  t: Catalog;
}

export function SupportComposer({ conversation, canned, visitorName, t }: SupportComposerProps) {
  const id = useId();
  const field = useRef<HTMLTextAreaElement>(null);
  const caret = useSignal(0);
  const active = useSignal(0);
  /** The start of the `/query` the agent closed with Escape (it stays closed until a new one). */
  const dismissed = useSignal<number | null>(null);
  const nextCaret = useRef<number | null>(null);
  const mode = conversation.mode.value;
  const draft = mode === 'reply' ? conversation.draft : conversation.noteDraft;
  const value = draft.value;
  const rows = Math.min(MAX_ROWS, Math.max(2, value.split('\n').length));

  const query = cannedQuery(value, caret.value);
  const suggestions: CannedResponse[] =
    query && query.start !== dismissed.value ? matchCanned(canned.list.value, query.prefix) : [];
  const open = suggestions.length > 0;
  const activeIndex = Math.min(active.value, Math.max(0, suggestions.length - 1));

  // After an insertion, the caret goes to the end of the inserted text.
  useLayoutEffect(() => {
    const el = field.current;
    if (!el || nextCaret.current === null) return;
    el.setSelectionRange(nextCaret.current, nextCaret.current);
    nextCaret.current = null;
  });

  const setText = (text: string, at: number) => {
    draft.value = text;
    caret.value = at;
    if (mode === 'reply') conversation.chat.typing.input(text);
  };

  const insert = (response: CannedResponse) => {
    if (!query) return;
    const next = insertCanned(value, query.start, caret.value, response.text);
    nextCaret.current = next.caret;
    setText(next.text, next.caret);
    active.value = 0;
    field.current?.focus();
  };

  const submit = () => {
    if (value.trim() === '') return;
    if (mode === 'reply') conversation.chat.send(value);
    else conversation.notes.send(value);
    draft.value = '';
    caret.value = 0;
    dismissed.value = null;
  };

  const switchTo = (next: 'reply' | 'note') => {
    if (next === mode) return;
    if (next === 'note') conversation.chat.typing.stop();
    conversation.mode.value = next;
    active.value = 0;
    field.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    // isComposing: Enter that confirms an IME candidate (Chinese, Japanese) must not send.
    const composing = event.isComposing || event.keyCode === 229;
    if (open && !composing) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : suggestions.length - 1;
        active.value = (activeIndex + step) % suggestions.length;
        return;
      }
      if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey) {
        event.preventDefault();
        const chosen = suggestions[activeIndex];
        if (chosen) insert(chosen);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        dismissed.value = query?.start ?? null;
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey && !composing) {
      event.preventDefault();
      submit();
    }
  };

  const readCaret = (el: HTMLTextAreaElement) => {
    caret.value = el.selectionStart ?? el.value.length;
  };

  const label = mode === 'reply' ? t.replyTo(visitorName) : t.privateNote;
  return (
    <form
      class={`sc sc-${mode}`}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <div class="sc-modes">
        <button
          type="button"
          class="sc-mode"
          aria-pressed={mode === 'reply'}
          onClick={() => switchTo('reply')}
        >
          {t.replyMode}
        </button>
        <button
          type="button"
          class="sc-mode sc-mode-note"
          aria-pressed={mode === 'note'}
          onClick={() => switchTo('note')}
        >
          <Icon name="note" />
          {t.noteMode}
        </button>
        {mode === 'note' && <span class="sc-note-hint">{t.noteHint}</span>}
      </div>
      <div class="sc-field">
        {/* id "composer": the skip link at the top of the page leads here, as in a room. */}
        <label for="composer" class="sr-only">
          {label}
        </label>
        <textarea
          id="composer"
          ref={field}
          class="sc-input"
          rows={rows}
          placeholder={mode === 'reply' ? t.replyPlaceholder : t.notePlaceholder}
          aria-describedby={`${id}-hint`}
          aria-autocomplete="list"
          aria-controls={open ? `${id}-canned` : undefined}
          aria-activedescendant={open ? `${id}-canned-${activeIndex}` : undefined}
          value={value}
          onInput={(event) => {
            const el = event.currentTarget;
            setText(el.value, el.selectionStart ?? el.value.length);
            active.value = 0;
            if (dismissed.value !== null && cannedQuery(el.value, caret.value)?.start !== dismissed.value) {
              dismissed.value = null;
            }
          }}
          onKeyDown={onKeyDown}
          onKeyUp={(event) => {
            // Keys that move the caret without input (up and down choose a suggestion instead).
            const vertical = event.key === 'ArrowUp' || event.key === 'ArrowDown';
            if (CARET_KEYS.has(event.key) && !(open && vertical)) readCaret(event.currentTarget);
          }}
          onClick={(event) => readCaret(event.currentTarget)}
          onBlur={() => conversation.chat.typing.stop()}
        />
        {open && (
          <div class="canned-suggest" role="listbox" id={`${id}-canned`} aria-label={t.cannedSuggestions}>
            {suggestions.map((c, i) => (
              <div
                key={c.id}
                id={`${id}-canned-${i}`}
                role="option"
                tabIndex={-1}
                aria-selected={i === activeIndex}
                class="canned-option"
                // mousedown, not click: the textarea must keep focus (and its caret).
                onMouseDown={(event) => {
                  event.preventDefault();
                  insert(c);
                }}
              >
                <code>/{c.shortcut}</code>
                <span class="canned-text">{c.text}</span>
              </div>
            ))}
          </div>
        )}
      </div>
      <div class="sc-foot">
        <span id={`${id}-hint`} class="composer-hint">
          {mode === 'reply' ? t.replyHint : t.composerHint}
        </span>
        <button
          type="submit"
          class={`button ${mode === 'note' ? 'note-send' : 'primary'}`}
          disabled={value.trim() === ''}
        >
          <Icon name={mode === 'note' ? 'note' : 'send'} />
          <span class="send-label">{mode === 'reply' ? t.send : t.addNote}</span>
        </button>
      </div>
    </form>
  );
}

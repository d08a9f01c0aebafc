/**
 * "New message": a button that opens a small form to pick people by name and open the DM with
 * them. The name box is an ARIA combobox: typing searches (`GET /api/users`), arrow keys move
 * through the matches, Enter picks one, Backspace in an empty box takes the last pick back,
 * Escape closes the list, then the form.
 */
import { useSignal } from '@preact/signals';
import { useEffect, useId, useRef } from 'preact/hooks';
import type { ApiPerson } from '../../../../shared/api.js';
import { Avatar } from '../../common/components/Avatar.js';
import { Icon } from '../../common/components/Icon.js';
import type { Catalog } from '../../common/i18n.js';
import { type Router, roomPath } from '../../common/models/router.js';
import { apiErrorText } from '../../common/text-errors.js';
import type { Rooms } from '../models/rooms.js';

/** Others in one DM: 9 people, you included. */
export const DM_MAX_OTHERS = 8;
/** Typing this long without a key press starts a search. */
const SEARCH_DELAY_MS = 150;

export function NewMessage({ rooms, router, t }: { rooms: Rooms; router: Router; t: Catalog }) {
  const open = useSignal(false);
  const query = useSignal('');
  const matches = useSignal<ApiPerson[]>([]);
  const searching = useSignal(false);
  const listOpen = useSignal(false);
  const active = useSignal(-1);
  const picked = useSignal<ApiPerson[]>([]);
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  const id = useId();
  const toggle = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const refocus = useRef(false);
  // Answers come back in any order: only the newest search's is shown.
  const searchSeq = useRef(0);

  useEffect(() => {
    if (!open.value && refocus.current) {
      refocus.current = false;
      toggle.current?.focus();
    }
  });

  // Searches after a pause in typing.
  const q = query.value.trim();
  const isOpen = open.value;
  useEffect(() => {
    const seq = ++searchSeq.current;
    if (!isOpen || q === '') {
      matches.value = [];
      searching.value = false;
      return;
    }
    searching.value = true;
    const timer = setTimeout(async () => {
      const result = await rooms.searchPeople(q);
      if (seq !== searchSeq.current) return;
      searching.value = false;
      if (result.ok) {
        matches.value = result.value;
        active.value = result.value.length > 0 ? 0 : -1;
      } else {
        matches.value = [];
        error.value = apiErrorText(t, result) || t.networkError;
      }
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [q, isOpen, rooms, t]);

  const close = () => {
    refocus.current = true;
    open.value = false;
    query.value = '';
    matches.value = [];
    picked.value = [];
    error.value = null;
    listOpen.value = false;
  };

  const chosenIds = new Set(picked.value.map((p) => p.id));
  const options = matches.value.filter((p) => !chosenIds.has(p.id));
  const full = picked.value.length >= DM_MAX_OTHERS;

  const pick = (person: ApiPerson) => {
    if (full) {
      error.value = t.dmFull(DM_MAX_OTHERS);
      return;
    }
    picked.value = [...picked.value, person];
    query.value = '';
    error.value = null;
    active.value = 0;
    input.current?.focus();
  };
  const unpick = (person: ApiPerson) => {
    picked.value = picked.value.filter((p) => p.id !== person.id);
    error.value = null;
    input.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const count = options.length;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      listOpen.value = true;
      if (count === 0) return;
      const step = event.key === 'ArrowDown' ? 1 : -1;
      active.value = (Math.max(active.value, step > 0 ? -1 : 0) + step + count) % count;
    } else if (event.key === 'Enter' && listOpen.value && count > 0 && q !== '') {
      // Enter picks the highlighted person; with nothing typed it submits the form.
      event.preventDefault();
      const person = options[Math.min(Math.max(active.value, 0), count - 1)];
      if (person) pick(person);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      if (listOpen.value && q !== '') listOpen.value = false;
      else close();
    } else if (event.key === 'Backspace' && query.value === '' && picked.value.length > 0) {
      picked.value = picked.value.slice(0, -1);
    }
  };

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    if (busy.value) return;
    if (picked.value.length === 0) {
      error.value = t.dmPickSomeone;
      input.current?.focus();
      return;
    }
    busy.value = true;
    error.value = null;
    const result = await rooms.openDm(picked.value.map((p) => p.id));
    busy.value = false;
    if (!result.ok) {
      error.value = (result.message && apiErrorText(t, result)) || t.networkError;
      return;
    }
    close();
    refocus.current = false;
    router.navigate(roomPath(result.value.id));
  };

  if (!open.value) {
    return (
      <button
        ref={toggle}
        type="button"
        class="icon-button new-message"
        aria-expanded="false"
        title={t.newMessage}
        onClick={() => {
          open.value = true;
        }}
      >
        <Icon name="plus" />
        <span class="sr-only">{t.newMessage}</span>
      </button>
    );
  }

  const listId = `${id}-list`;
  const optionId = (i: number) => `${id}-opt-${i}`;
  const showList = listOpen.value && q !== '' && !full;
  const activeIndex = Math.min(active.value, options.length - 1);
  return (
    <form class="new-room-form new-message-form stack" onSubmit={onSubmit} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} class="section-title">
        {t.newMessage}
      </h2>
      {picked.value.length > 0 && (
        <ul class="dm-picked" aria-label={t.dmTo}>
          {picked.value.map((p) => (
            <li key={p.id} class="dm-chip">
              <Avatar id={p.id} name={p.username} small />
              <span>{p.username}</span>
              <button
                type="button"
                class="icon-button dm-chip-remove"
                aria-label={t.dmRemove(p.username)}
                onClick={() => unpick(p)}
              >
                <Icon name="close" />
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="field dm-combo">
        <label for={`${id}-input`}>{t.dmTo}</label>
        {/* The matches overlay what follows, so showing or hiding them moves nothing under the pointer. */}
        <div class="dm-combo-box">
          <input
            ref={input}
            id={`${id}-input`}
            role="combobox"
            autoComplete="off"
            aria-autocomplete="list"
            aria-expanded={showList}
            aria-controls={listId}
            aria-activedescendant={showList && activeIndex >= 0 ? optionId(activeIndex) : undefined}
            aria-describedby={`${id}-hint`}
            // biome-ignore lint/a11y/noAutofocus: the user just asked for this form
            autoFocus
            value={query.value}
            onInput={(e) => {
              query.value = e.currentTarget.value;
              listOpen.value = true;
            }}
            onKeyDown={onKeyDown}
            onBlur={() => {
              listOpen.value = false;
            }}
            onFocus={() => {
              listOpen.value = true;
            }}
          />
          {showList && options.length > 0 && (
            <div id={listId} role="listbox" class="dm-options" aria-label={t.dmTo}>
              {options.map((p, i) => (
                <div
                  key={p.id}
                  id={optionId(i)}
                  role="option"
                  tabIndex={-1}
                  aria-selected={i === activeIndex}
                  class={i === activeIndex ? 'active' : undefined}
                  // mousedown, not click: the input must not lose focus (and close the list) first.
                  onMouseDown={(e) => {
                    e.preventDefault();
                    pick(p);
                  }}
                >
                  <Avatar id={p.id} name={p.username} small />
                  <span>{p.username}</span>
                </div>
              ))}
            </div>
          )}
          {showList && options.length === 0 && (
            <p class="dm-options-empty muted" role="status">
              {searching.value ? t.dmSearching : t.dmNoMatch}
            </p>
          )}
        </div>
        <p id={`${id}-hint`} class="hint">
          {full ? t.dmFull(DM_MAX_OTHERS) : t.dmSearchHint(DM_MAX_OTHERS)}
        </p>
      </div>
      {error.value && (
        <p class="form-error" role="alert">
          {error.value}
        </p>
      )}
      <div class="row">
        <button type="submit" class="button primary" disabled={busy.value}>
          {busy.value ? t.dmOpening : t.dmStart}
        </button>
        <button type="button" class="button ghost" onClick={close}>
          {t.cancel}
        </button>
      </div>
    </form>
  );
}

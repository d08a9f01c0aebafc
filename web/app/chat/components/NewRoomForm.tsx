/** Creates a room: a button that opens a small form; the server's error text on failure. */
import { useSignal } from '@preact/signals';
import { useEffect, useId, useRef } from 'preact/hooks';
import { Icon } from '../../common/components/Icon.js';
import type { Catalog } from '../../common/i18n.js';
import { type Router, roomPath } from '../../common/models/router.js';
import { apiErrorText, textError } from '../../common/text-errors.js';
import type { Rooms } from '../models/rooms.js';

export function NewRoomForm({ rooms, router, t }: { rooms: Rooms; router: Router; t: Catalog }) {
  const open = useSignal(false);
  const title = useSignal('');
  const topic = useSignal('');
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  const id = useId();
  const toggle = useRef<HTMLButtonElement>(null);
  const refocus = useRef(false);

  // After Cancel, focus goes back to the button that opened the form, not to the page start.
  useEffect(() => {
    if (!open.value && refocus.current) {
      refocus.current = false;
      toggle.current?.focus();
    }
  });

  const close = () => {
    refocus.current = true;
    open.value = false;
    title.value = '';
    topic.value = '';
    error.value = null;
  };

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    if (busy.value) return;
    const local = textError(t, t.roomTitle, title.value.trim());
    if (local) {
      error.value = local;
      return;
    }
    busy.value = true;
    error.value = null;
    const result = await rooms.create(title.value, topic.value);
    busy.value = false;
    if (!result.ok) {
      error.value = (result.message && apiErrorText(t, result)) || t.networkError;
      return;
    }
    open.value = false;
    title.value = '';
    topic.value = '';
    router.navigate(roomPath(result.value.id));
  };

  if (!open.value) {
    return (
      <button
        ref={toggle}
        type="button"
        class="button ghost new-room"
        aria-expanded="false"
        onClick={() => {
          open.value = true;
        }}
      >
        <Icon name="plus" />
        {t.newRoom}
      </button>
    );
  }
  return (
    <form class="new-room-form stack" onSubmit={onSubmit} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} class="section-title">
        {t.newRoom}
      </h2>
      <div class="field">
        <label for={`${id}-title`}>{t.roomTitle}</label>
        <input
          id={`${id}-title`}
          required
          // biome-ignore lint/a11y/noAutofocus: the user just asked for this form
          autoFocus
          value={title.value}
          onInput={(e) => {
            title.value = e.currentTarget.value;
          }}
        />
      </div>
      <div class="field">
        <label for={`${id}-topic`}>{t.roomTopic}</label>
        <input
          id={`${id}-topic`}
          value={topic.value}
          onInput={(e) => {
            topic.value = e.currentTarget.value;
          }}
        />
      </div>
      {error.value && (
        <p class="form-error" role="alert">
          {error.value}
        </p>
      )}
      <div class="row">
        <button type="submit" class="button primary" disabled={busy.value}>
          {busy.value ? t.creating : t.createRoom}
        </button>
        <button type="button" class="button ghost" onClick={close}>
          {t.cancel}
        </button>
      </div>
    </form>
  );
}

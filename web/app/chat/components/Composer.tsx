/** Writes a message: Enter sends, Shift+Enter adds a line, typing is reported while it goes on. */
import { useSignal } from '@preact/signals';
import { useId } from 'preact/hooks';
import { Icon } from '../../common/components/Icon.js';
import type { Catalog } from '../../common/i18n.js';
import type { RoomChat } from '../models/chat.js';

const MAX_ROWS = 6;

export function Composer({ chat, t, roomTitle }: { chat: RoomChat; t: Catalog; roomTitle: string }) {
  const text = useSignal('');
  const id = useId();
  const value = text.value;
  const rows = Math.min(MAX_ROWS, value.split('\n').length);

  const submit = () => {
    if (value.trim() === '') return;
    chat.send(value);
    text.value = '';
  };

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <label for="composer" class="sr-only">
        {t.message}
      </label>
      <textarea
        id="composer"
        class="composer-input"
        rows={rows}
        placeholder={t.messagePlaceholder(roomTitle)}
        aria-describedby={`${id}-hint`}
        value={value}
        onInput={(event) => {
          text.value = event.currentTarget.value;
          chat.typing.input(event.currentTarget.value);
        }}
        onKeyDown={(event) => {
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

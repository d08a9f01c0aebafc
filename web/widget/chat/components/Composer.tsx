/** The message box: Enter sends, Shift+Enter is a new line, and IME composition never sends. */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatModel } from '../model.js';
import { Icon } from './Icon.js';

const MAX_HEIGHT = 120;

export function Composer({ model }: { model: ChatModel }) {
  const { t } = model;
  const [text, setText] = useState('');
  const box = useRef<HTMLTextAreaElement>(null);

  const resize = () => {
    const el = box.current;
    if (!el) return;
    // NOTE: CSSOM, not a style attribute: allowed by a CSP without 'unsafe-inline'.
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT)}px`;
  };
  // Shown in an open panel after a form (pre-chat, leave a message): the focus comes here.
  useEffect(() => {
    if (model.open.peek()) box.current?.focus();
  }, []);
  const submit = (event?: Event) => {
    event?.preventDefault();
    if (!text.trim()) return;
    model.send(text);
    setText('');
    requestAnimationFrame(resize);
    box.current?.focus();
  };

  return (
    <form class="f" onSubmit={submit}>
      <textarea
        ref={box}
        class="in"
        rows={1}
        maxLength={4000}
        aria-label={t.message}
        placeholder={t.placeholder}
        value={text}
        onInput={(event) => {
          const value = event.currentTarget.value;
          setText(value);
          model.typing(value);
          resize();
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229)
            submit(event);
        }}
      />
      <button type="submit" class="sb" aria-label={t.send} disabled={!text.trim()}>
        <Icon name="send" />
      </button>
    </form>
  );
}

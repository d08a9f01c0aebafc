/**
 * Canned responses, shared by every agent: the list (shortcut and text) with Delete, and a form
 * to add one. A shortcut is typed as `/shortcut` in the reply box. The server's sentence is shown
 * when it refuses one (a shortcut that exists, say).
 */
import { useSignal } from '@preact/signals';
import { useEffect, useId, useRef } from 'preact/hooks';
import type { CannedResponse } from '../../common/api.js';
import type { Catalog } from '../../common/i18n.js';
import type { Canned } from '../models/canned.js';

export interface CannedPanelProps {
  canned: Canned;
  t: Catalog;
  onClose(): void;
}

function CannedItem({ item, canned, t }: { item: CannedResponse; canned: Canned; t: Catalog }) {
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const remove = async () => {
    busy.value = true;
    error.value = null;
    const result = await canned.remove(item.id);
    busy.value = false;
    if (!result.ok && result.status !== 404) error.value = result.message || t.networkError;
  };
  return (
    <li class="canned-item">
      <div class="canned-row">
        <code>/{item.shortcut}</code>
        <button
          type="button"
          class="button small danger-ghost"
          disabled={busy.value}
          aria-label={t.deleteCanned(item.shortcut)}
          onClick={remove}
        >
          {t.delete}
        </button>
      </div>
      <p class="canned-text">{item.text}</p>
      {error.value && (
        <p class="form-error" role="alert">
          {error.value}
        </p>
      )}
    </li>
  );
}

export function CannedPanel({ canned, t, onClose }: CannedPanelProps) {
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const shortcut = useSignal('');
  const text = useSignal('');
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);

  useEffect(() => {
    heading.current?.focus();
    void canned.refresh();
  }, [canned]);

  // Escape closes it from anywhere (focus may have fallen to the page when a button it was on
  // was disabled while saving).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented) onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy.value) return;
    busy.value = true;
    error.value = null;
    const result = await canned.create(shortcut.value.trim().replace(/^\//, ''), text.value);
    busy.value = false;
    if (!result.ok) {
      error.value = result.message || t.networkError;
      return;
    }
    shortcut.value = '';
    text.value = '';
  };

  const list = canned.list.value;
  return (
    <section class="canned-panel" aria-labelledby={`${id}-title`}>
      <header class="canned-head">
        <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
          {t.cannedResponses}
        </h2>
        <button type="button" class="button small ghost" onClick={onClose}>
          {t.close}
        </button>
      </header>
      <p class="hint">{t.cannedIntro}</p>
      <form class="canned-form" onSubmit={submit}>
        <div class="field">
          <label for={`${id}-shortcut`}>{t.shortcut}</label>
          <input
            id={`${id}-shortcut`}
            class="mono"
            required
            maxLength={33}
            autocomplete="off"
            autocapitalize="none"
            spellcheck={false}
            aria-describedby={`${id}-shortcut-hint`}
            value={shortcut.value}
            onInput={(e) => {
              shortcut.value = e.currentTarget.value;
            }}
          />
          <p id={`${id}-shortcut-hint`} class="hint">
            {t.shortcutHint}
          </p>
        </div>
        <div class="field">
          <label for={`${id}-text`}>{t.cannedText}</label>
          <textarea
            id={`${id}-text`}
            rows={3}
            required
            value={text.value}
            onInput={(e) => {
              text.value = e.currentTarget.value;
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
            {busy.value ? t.saving : t.addCanned}
          </button>
        </div>
      </form>
      {canned.load.value === 'error' && (
        <p class="form-error" role="alert">
          {t.cannedFailed(canned.error.value ?? t.networkError)}
        </p>
      )}
      {list.length === 0 && canned.load.value === 'ready' && <p class="muted">{t.noCanned}</p>}
      {list.length > 0 && (
        <ul class="canned-list" aria-label={t.cannedList}>
          {list.map((item) => (
            <CannedItem key={item.id} item={item} canned={canned} t={t} />
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * A key just made: its token, once, in a read-only field with a Copy button, the warning that it
 * will not be shown again, and a curl example that uses it (as a placeholder). Dismissing the
 * panel, or leaving the page, forgets the token for good.
 */
import { useSignal } from '@preact/signals';
import { useEffect, useId, useRef } from 'preact/hooks';
import type { ApiKeyView } from '../../../../shared/api.js';
import { Icon } from '../../common/components/Icon.js';
import type { Catalog } from '../../common/i18n.js';
import { curlExample } from '../models/keys.js';

export interface NewKeyProps {
  made: { key: ApiKeyView; token: string };
  origin: string;
  meId: string;
  t: Catalog;
  onDone(): void;
}

export function NewKey({ made, origin, meId, t, onDone }: NewKeyProps) {
  const id = useId();
  const copied = useSignal<'idle' | 'copied' | 'failed'>('idle');
  const heading = useRef<HTMLHeadingElement>(null);
  const field = useRef<HTMLInputElement>(null);

  // The panel replaces the user's focus on the form: move it here so the token is read out next.
  useEffect(() => {
    heading.current?.focus();
  }, [made.token]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(made.token);
      copied.value = 'copied';
    } catch {
      // No clipboard (permission, or an insecure origin): select it for a manual copy instead.
      field.current?.select();
      copied.value = 'failed';
    }
  };

  return (
    <section class="card new-key" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
        {t.newKeyTitle(made.key.name)}
      </h2>
      <p class="warn-note">{t.newKeyWarning}</p>
      <div class="field">
        <label for={`${id}-token`}>{t.keyToken}</label>
        <div class="token-row">
          <input
            id={`${id}-token`}
            ref={field}
            class="token"
            readOnly
            value={made.token}
            autocomplete="off"
            spellcheck={false}
            onFocus={(e) => e.currentTarget.select()}
          />
          <button type="button" class="button" onClick={copy}>
            <Icon name="copy" />
            {t.copy}
          </button>
        </div>
        <p class={`copy-state${copied.value === 'failed' ? ' is-failed' : ''}`} role="status">
          {copied.value === 'copied' ? t.copied : copied.value === 'failed' ? t.copyFailed : ''}
        </p>
      </div>
      <h3>{t.curlTitle}</h3>
      <p class="hint">{t.curlHint}</p>
      {/* A region that scrolls sideways on its own at phone widths; focusable so keys can scroll it. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <section class="code-scroll" tabIndex={0} aria-label={t.curlLabel}>
        <pre class="code">
          <code>{curlExample(origin, made.key.scopes, meId)}</code>
        </pre>
      </section>
      <div class="row">
        <button type="button" class="button primary" onClick={onDone}>
          {t.keyDone}
        </button>
      </div>
    </section>
  );
}

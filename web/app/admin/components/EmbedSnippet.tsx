/**
 * A site's embed snippet, ready to copy: a read-only code box (focusing it selects it all) with a
 * Copy button, and the optional data attributes the widget understands.
 */
import { useSignal } from '@preact/signals';
import { useId, useRef } from 'preact/hooks';
import { Icon } from '../../common/components/Icon.js';
import type { Catalog } from '../../common/i18n.js';

/** The widget's optional attributes (web/widget/loader.ts reads them). */
const ATTRIBUTES = ['data-position', 'data-accent', 'data-language', 'data-greeting'] as const;

export type SnippetAttribute = (typeof ATTRIBUTES)[number];

/** An example value of each, as it would be written in the tag. */
const example = (name: SnippetAttribute, t: Catalog): string =>
  name === 'data-position'
    ? 'bottom-left'
    : name === 'data-accent'
      ? '#0e7490'
      : name === 'data-language'
        ? 'zh-CN'
        : t.snippetGreetingExample;

export function EmbedSnippet({ snippet, t }: { snippet: string; t: Catalog }) {
  const id = useId();
  const copied = useSignal<'idle' | 'copied' | 'failed'>('idle');
  const box = useRef<HTMLTextAreaElement>(null);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(snippet);
      copied.value = 'copied';
    } catch {
      // No clipboard (permission, or an insecure origin): select it for a manual copy instead.
      box.current?.focus();
      box.current?.select();
      copied.value = 'failed';
    }
  };

  return (
    <div class="snippet">
      <label for={`${id}-code`} class="snippet-label">
        {t.embedCode}
      </label>
      <p class="hint" id={`${id}-hint`}>
        {t.embedHint}
      </p>
      <div class="snippet-row">
        <textarea
          id={`${id}-code`}
          ref={box}
          class="snippet-code"
          readOnly
          rows={3}
          spellcheck={false}
          aria-describedby={`${id}-hint`}
          value={snippet}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" class="button" onClick={copy}>
          <Icon name="copy" />
          {t.copy}
        </button>
      </div>
      <p class={`copy-state${copied.value === 'failed' ? ' is-failed' : ''}`} role="status">
        {copied.value === 'copied' ? t.snippetCopied : copied.value === 'failed' ? t.snippetCopyFailed : ''}
      </p>
      <details class="snippet-attrs">
        <summary>{t.snippetAttributes}</summary>
        <p class="hint">{t.snippetAttributesHint}</p>
        <dl>
          {ATTRIBUTES.map((name) => (
            <div key={name} class="attr">
              <dt>
                <code>
                  {name}="{example(name, t)}"
                </code>
              </dt>
              <dd>{t.snippetAttribute[name]}</dd>
            </div>
          ))}
        </dl>
      </details>
    </div>
  );
}

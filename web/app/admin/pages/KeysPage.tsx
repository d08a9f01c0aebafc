/**
 * API keys, for admins: a key just made (shown once), the form to make one, and the list with
 * revoking. Anyone else who opens the address is told who may use it; the server refuses them too.
 */
import { useSignal } from '@preact/signals';
import { useEffect, useId, useMemo, useRef } from 'preact/hooks';
import type { ApiKeyView } from '../../../../shared/api.js';
import type { Catalog, Lang } from '../../common/i18n.js';
import { KeyForm } from '../components/KeyForm.js';
import { KeyItem } from '../components/KeyItem.js';
import { NewKey } from '../components/NewKey.js';
import type { ApiKeys } from '../models/keys.js';

export interface KeysPageProps {
  /** Null for anyone but an admin. */
  keys: ApiKeys | null;
  meId: string;
  t: Catalog;
  lang: Lang;
  origin: string;
}

export function KeysPage({ keys, meId, t, lang, origin }: KeysPageProps) {
  const id = useId();
  // The token lives here, in the page, and nowhere else: leaving the page forgets it.
  const made = useSignal<{ key: ApiKeyView; token: string } | null>(null);
  const listHeading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (keys) void keys.refresh();
  }, [keys]);

  const formatDate = useMemo(() => {
    const format = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
    return (ts: number) => format.format(ts);
  }, [lang]);

  const header = (
    <header class="page-header">
      <h1 id={`${id}-title`}>{t.apiKeys}</h1>
      {keys && <p class="page-intro">{t.apiKeysIntro}</p>}
    </header>
  );

  if (!keys) {
    return (
      <section class="page" aria-labelledby={`${id}-title`}>
        <div class="page-inner">
          {header}
          <p class="card admin-only">{t.adminOnly}</p>
        </div>
      </section>
    );
  }

  const list = keys.list.value;
  const load = keys.load.value;
  return (
    <section class="page" aria-labelledby={`${id}-title`}>
      <div class="page-inner">
        {header}
        {made.value && (
          <NewKey
            made={made.value}
            origin={origin}
            meId={meId}
            t={t}
            onDone={() => {
              // The panel (and the focused button in it) goes away: the key is in the list now.
              listHeading.current?.focus();
              made.value = null;
            }}
          />
        )}
        <KeyForm
          keys={keys}
          t={t}
          onCreated={(value) => {
            made.value = value;
          }}
        />
        <section class="card" aria-labelledby={`${id}-list`}>
          <h2 id={`${id}-list`} ref={listHeading} tabIndex={-1}>
            {t.keyList}
          </h2>
          {load === 'error' && (
            <p class="form-error" role="alert">
              {t.keysFailed(keys.error.value ?? t.networkError)}{' '}
              <button type="button" class="button link" onClick={() => keys.refresh()}>
                {t.tryAgain}
              </button>
            </p>
          )}
          {list.length === 0 && load === 'loading' && <p class="muted">{t.loading}</p>}
          {list.length === 0 && load === 'ready' && <p class="muted">{t.noKeys}</p>}
          {list.length > 0 && (
            <ul class="key-list">
              {list.map((apiKey) => (
                <KeyItem key={apiKey.id} apiKey={apiKey} keys={keys} t={t} formatDate={formatDate} />
              ))}
            </ul>
          )}
        </section>
      </div>
    </section>
  );
}

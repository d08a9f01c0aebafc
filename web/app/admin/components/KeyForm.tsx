/**
 * Makes an API key: a name, broad scopes as checkboxes, narrower ones typed in. Typed scopes are
 * checked by the server, whose sentence is shown as it is.
 */
import { useSignal } from '@preact/signals';
import { useId } from 'preact/hooks';
import type { ApiKeyView } from '../../../../shared/api.js';
import type { Catalog } from '../../common/i18n.js';
import { type ApiKeys, BROAD_SCOPES, scopesOf } from '../models/keys.js';

export interface KeyFormProps {
  keys: ApiKeys;
  t: Catalog;
  /** The key was made; `token` is its only copy. */
  onCreated(made: { key: ApiKeyView; token: string }): void;
}

export function KeyForm({ keys, t, onCreated }: KeyFormProps) {
  const id = useId();
  const name = useSignal('');
  const ticked = useSignal<readonly string[]>([]);
  const typed = useSignal('');
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);

  const toggle = (scope: string, on: boolean) => {
    const rest = ticked.value.filter((s) => s !== scope);
    ticked.value = on ? [...rest, scope] : rest;
  };

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    if (busy.value) return;
    busy.value = true;
    error.value = null;
    const result = await keys.create(name.value, scopesOf(ticked.value, typed.value));
    busy.value = false;
    if (!result.ok) {
      error.value = result.message || t.networkError;
      return;
    }
    name.value = '';
    ticked.value = [];
    typed.value = '';
    onCreated(result.value);
  };

  return (
    <form class="card key-form" onSubmit={onSubmit} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t.newKey}</h2>
      <div class="field">
        <label for={`${id}-name`}>{t.keyName}</label>
        <input
          id={`${id}-name`}
          required
          maxLength={100}
          autocomplete="off"
          value={name.value}
          aria-describedby={`${id}-name-hint`}
          onInput={(e) => {
            name.value = e.currentTarget.value;
          }}
        />
        <p id={`${id}-name-hint`} class="hint">
          {t.keyNameHint}
        </p>
      </div>
      <fieldset class="scopes" aria-describedby={`${id}-scopes-hint`}>
        <legend>{t.scopes}</legend>
        <p id={`${id}-scopes-hint`} class="hint">
          {t.scopesHint}
        </p>
        <ul class="scope-choices">
          {BROAD_SCOPES.map((scope) => (
            <li key={scope}>
              <label class="check">
                <input
                  type="checkbox"
                  checked={ticked.value.includes(scope)}
                  onChange={(e) => toggle(scope, e.currentTarget.checked)}
                />
                <code>{scope}</code>
                <span class="check-note">{t.scopeMeaning[scope]}</span>
              </label>
            </li>
          ))}
        </ul>
        <div class="field">
          <label for={`${id}-typed`}>{t.specificScopes}</label>
          <input
            id={`${id}-typed`}
            autocomplete="off"
            autocapitalize="none"
            spellcheck={false}
            value={typed.value}
            aria-describedby={`${id}-typed-hint`}
            onInput={(e) => {
              typed.value = e.currentTarget.value;
            }}
          />
          <p id={`${id}-typed-hint`} class="hint">
            {t.specificScopesHint}
          </p>
        </div>
      </fieldset>
      {error.value && (
        <p class="form-error" role="alert">
          {error.value}
        </p>
      )}
      <div class="row">
        <button type="submit" class="button primary" disabled={busy.value}>
          {busy.value ? t.creatingKey : t.createKey}
        </button>
      </div>
    </form>
  );
}

/**
 * One API key in the list: name, scopes, dates and state; "Revoke" asks in the page (never a
 * browser dialog) before it acts. Name and scopes are only ever text.
 */
import { useSignal } from '@preact/signals';
import { useEffect, useId, useRef } from 'preact/hooks';
import type { ApiKeyView } from '../../../../shared/api.js';
import type { Catalog } from '../../common/i18n.js';
import type { ApiKeys } from '../models/keys.js';

export interface KeyItemProps {
  apiKey: ApiKeyView;
  keys: ApiKeys;
  t: Catalog;
  formatDate(ts: number): string;
}

export function KeyItem({ apiKey, keys, t, formatDate }: KeyItemProps) {
  const id = useId();
  const confirming = useSignal(false);
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const revokeButton = useRef<HTMLButtonElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const name = useRef<HTMLSpanElement>(null);
  // Where focus goes after the question closes: back to "Revoke", or to the key once revoked.
  const focusNext = useRef<'revoke' | 'name' | null>(null);
  const revoked = apiKey.revokedAt !== null;

  useEffect(() => {
    if (confirming.value) {
      cancelButton.current?.focus();
      return;
    }
    if (focusNext.current === 'revoke') revokeButton.current?.focus();
    if (focusNext.current === 'name') name.current?.focus();
    focusNext.current = null;
  }, [confirming.value, revoked]);

  const cancel = () => {
    focusNext.current = 'revoke';
    confirming.value = false;
  };

  const revoke = async () => {
    if (busy.value) return;
    busy.value = true;
    error.value = null;
    const result = await keys.revoke(apiKey.id);
    busy.value = false;
    if (!result.ok && result.status !== 404) {
      error.value = result.message || t.networkError;
      return;
    }
    focusNext.current = 'name';
    confirming.value = false;
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') cancel();
  };

  return (
    <li class={`key${revoked ? ' is-revoked' : ''}`} data-key={apiKey.id}>
      <div class="key-head">
        <span class="key-name" id={`${id}-name`} ref={name} tabIndex={-1}>
          {apiKey.name}
        </span>
        <span class="key-status">
          {revoked ? t.keyRevoked(formatDate(apiKey.revokedAt as number)) : t.keyActive}
        </span>
      </div>
      <ul class="scope-list" aria-label={t.scopes}>
        {apiKey.scopes.map((scope) => (
          <li key={scope}>
            <code>{scope}</code>
          </li>
        ))}
      </ul>
      <p class="key-meta">
        <span>{t.keyCreated(formatDate(apiKey.createdAt))}</span>
        <span>
          {apiKey.lastUsedAt === null ? t.keyNeverUsed : t.keyLastUsed(formatDate(apiKey.lastUsedAt))}
        </span>
      </p>
      {!revoked && !confirming.value && (
        <div class="row">
          <button
            ref={revokeButton}
            type="button"
            class="button small danger-ghost"
            aria-label={t.revokeKey(apiKey.name)}
            onClick={() => {
              error.value = null;
              confirming.value = true;
            }}
          >
            {t.revoke}
          </button>
        </div>
      )}
      {!revoked && confirming.value && (
        <div class="confirm">
          <p id={`${id}-ask`}>{t.revokeConfirm(apiKey.name)}</p>
          <div class="row">
            <button
              type="button"
              class="button small danger"
              disabled={busy.value}
              onClick={revoke}
              onKeyDown={onKeyDown}
              aria-describedby={`${id}-ask`}
            >
              {busy.value ? t.revoking : t.revokeYes}
            </button>
            <button
              ref={cancelButton}
              type="button"
              class="button small ghost"
              onClick={cancel}
              onKeyDown={onKeyDown}
              aria-describedby={`${id}-ask`}
            >
              {t.cancel}
            </button>
          </div>
        </div>
      )}
      {error.value && (
        <p class="form-error" role="alert">
          {error.value}
        </p>
      )}
    </li>
  );
}

/** Who is signed in, their settings, the language, signing out, and (for admins only) their pages. */
import { useSignal } from '@preact/signals';
import { useId } from 'preact/hooks';
import type { ApiUser } from '../../../../shared/api.js';
import { Avatar } from '../../common/components/Avatar.js';
import { Icon, type IconName } from '../../common/components/Icon.js';
import { Link } from '../../common/components/Link.js';
import type { Catalog } from '../../common/i18n.js';
import { AGENTS_PATH, KEYS_PATH, type Route, type Router, SITES_PATH } from '../../common/models/router.js';
import type { Settings } from '../../common/models/settings.js';
import { apiErrorText } from '../../common/text-errors.js';
import type { Locale } from '../models/locale.js';
import { LanguageSwitch } from './LanguageSwitch.js';

export interface UserBarProps {
  me: ApiUser;
  settings: Settings;
  locale: Locale;
  router: Router;
  /** The page on screen, to mark the admin link as current. */
  current: Route['name'];
  onSignOut(): void;
}

/** The user's own settings, one click away: whether they send read receipts. */
function SettingsPanel({ settings, t }: { settings: Settings; t: Catalog }) {
  const error = useSignal<string | null>(null);
  const id = useId();
  const change = async (on: boolean) => {
    error.value = null;
    const result = await settings.setReadReceipts(on);
    if (!result.ok) error.value = apiErrorText(t, result) || t.networkError;
  };
  return (
    <details class="user-settings">
      <summary>{t.settings}</summary>
      <div class="user-settings-pop stack">
        <label class="check" for={`${id}-receipts`}>
          <input
            id={`${id}-receipts`}
            type="checkbox"
            checked={settings.readReceipts.value}
            disabled={settings.saving.value}
            aria-describedby={`${id}-receipts-hint`}
            onChange={(e) => void change(e.currentTarget.checked)}
          />
          {t.sendReadReceipts}
        </label>
        <p id={`${id}-receipts-hint`} class="hint">
          {t.readReceiptsHint}
        </p>
        {error.value && (
          <p class="form-error" role="alert">
            {error.value}
          </p>
        )}
      </div>
    </details>
  );
}

export function UserBar({ me, settings, locale, router, current, onSignOut }: UserBarProps) {
  const t = locale.t.value;
  const adminPages: [Route['name'], string, IconName, string][] = [
    ['sites', SITES_PATH, 'site', t.sites],
    ['agents', AGENTS_PATH, 'users', t.agents],
    ['keys', KEYS_PATH, 'key', t.apiKeys],
  ];
  return (
    <div class="user-bar">
      {me.role === 'admin' && (
        <nav class="admin-nav" aria-label={t.adminPages}>
          <ul>
            {adminPages.map(([name, href, icon, label]) => (
              <li key={name}>
                <Link
                  router={router}
                  href={href}
                  class="user-admin-link"
                  aria-current={current === name ? 'page' : undefined}
                >
                  <Icon name={icon} />
                  {label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <div class="user-who">
        <Avatar id={me.id} name={me.username} />
        <span class="user-name" title={t.signedInAs(me.username)}>
          <span class="sr-only">{t.signedInAs(me.username)}</span>
          <span aria-hidden="true">{me.username}</span>
        </span>
      </div>
      <div class="user-actions">
        <SettingsPanel settings={settings} t={t} />
        <LanguageSwitch locale={locale} />
        <button type="button" class="button ghost small" onClick={onSignOut}>
          <Icon name="logout" />
          {t.signOut}
        </button>
      </div>
    </div>
  );
}

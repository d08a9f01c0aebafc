/** Who is signed in, the language, signing out, and (for admins only) their pages. */
import type { ApiUser } from '../../../../shared/api.js';
import { Avatar } from '../../common/components/Avatar.js';
import { Icon, type IconName } from '../../common/components/Icon.js';
import { Link } from '../../common/components/Link.js';
import { AGENTS_PATH, KEYS_PATH, type Route, type Router, SITES_PATH } from '../../common/models/router.js';
import type { Locale } from '../models/locale.js';
import { LanguageSwitch } from './LanguageSwitch.js';

export interface UserBarProps {
  me: ApiUser;
  locale: Locale;
  router: Router;
  /** The page on screen, to mark the admin link as current. */
  current: Route['name'];
  onSignOut(): void;
}

export function UserBar({ me, locale, router, current, onSignOut }: UserBarProps) {
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
        <LanguageSwitch locale={locale} />
        <button type="button" class="button ghost small" onClick={onSignOut}>
          <Icon name="logout" />
          {t.signOut}
        </button>
      </div>
    </div>
  );
}

/** Who is signed in, the language, signing out, and (for admins only) the API keys page. */
import type { ApiUser } from '../../../shared/api.js';
import type { Locale } from '../models/locale.js';
import { KEYS_PATH, type Route, type Router } from '../models/router.js';
import { Avatar } from './Avatar.js';
import { Icon } from './Icon.js';
import { LanguageSwitch } from './LanguageSwitch.js';
import { Link } from './Link.js';

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
  return (
    <div class="user-bar">
      {me.role === 'admin' && (
        <Link
          router={router}
          href={KEYS_PATH}
          class="user-admin-link"
          aria-current={current === 'keys' ? 'page' : undefined}
        >
          <Icon name="key" />
          {t.apiKeys}
        </Link>
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

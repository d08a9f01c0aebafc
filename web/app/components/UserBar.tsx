/** Who is signed in, the language, and signing out. */
import type { ApiUser } from '../../../shared/api.js';
import type { Locale } from '../models/locale.js';
import { Avatar } from './Avatar.js';
import { Icon } from './Icon.js';
import { LanguageSwitch } from './LanguageSwitch.js';

export function UserBar({ me, locale, onSignOut }: { me: ApiUser; locale: Locale; onSignOut(): void }) {
  const t = locale.t.value;
  return (
    <div class="user-bar">
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

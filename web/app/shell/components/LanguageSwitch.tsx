/** Picks the UI language; the choice is remembered by the locale model. */
import { useId } from 'preact/hooks';
import { Icon } from '../../common/components/Icon.js';
import { isLang, LANGS } from '../../common/i18n.js';
import type { Locale } from '../models/locale.js';

export function LanguageSwitch({ locale }: { locale: Locale }) {
  const id = useId();
  const t = locale.t.value;
  return (
    <div class="lang-switch">
      <label for={id} class="lang-label">
        <Icon name="globe" />
        <span class="sr-only">{t.language}</span>
      </label>
      <select
        id={id}
        value={locale.lang.value}
        onChange={(event) => {
          const value = event.currentTarget.value;
          if (isLang(value)) locale.set(value);
        }}
      >
        {LANGS.map((lang) => (
          <option key={lang} value={lang} lang={lang}>
            {t.langName[lang]}
          </option>
        ))}
      </select>
    </div>
  );
}

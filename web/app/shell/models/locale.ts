/** The UI language: picked from the browser, switchable, remembered, reflected in <html lang>. */
import { computed, effect, type ReadonlySignal, signal } from '@preact/signals';
import { type Catalog, catalogs, isLang, type Lang, matchLang } from '../../common/i18n.js';

const STORAGE_KEY = 'switchboard.lang';

export interface Locale {
  readonly lang: ReadonlySignal<Lang>;
  /** The strings of the current language. */
  readonly t: ReadonlySignal<Catalog>;
  set(lang: Lang): void;
}

interface LocaleEnv {
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  languages: readonly string[];
  root: HTMLElement;
}

function stored(storage: LocaleEnv['storage']): Lang | null {
  try {
    const value = storage?.getItem(STORAGE_KEY);
    return isLang(value) ? value : null;
  } catch {
    // Storage can be disabled (privacy settings); fall back to the browser's language.
    return null;
  }
}

export function createLocale(env: LocaleEnv): Locale {
  const lang = signal<Lang>(stored(env.storage) ?? matchLang(env.languages));
  effect(() => {
    env.root.lang = lang.value;
  });
  return {
    lang,
    t: computed(() => catalogs[lang.value]),
    set(next) {
      lang.value = next;
      try {
        env.storage?.setItem(STORAGE_KEY, next);
      } catch {
        // not remembered, but still switched
      }
    },
  };
}

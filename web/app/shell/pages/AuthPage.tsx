/**
 * Sign in and create an account: one form, two modes. A new username's invisible characters are
 * named before sending; the server's words (or the catalog's, for codes it knows) on failure.
 */
import { useSignal } from '@preact/signals';
import { useId } from 'preact/hooks';
import { Link } from '../../common/components/Link.js';
import { apiErrorText, usernameError } from '../../common/text-errors.js';
import { LanguageSwitch } from '../components/LanguageSwitch.js';
import type { AppModel } from '../models/app.js';

export function AuthPage({ app, mode }: { app: AppModel; mode: 'login' | 'register' }) {
  const t = app.locale.t.value;
  const username = useSignal('');
  const password = useSignal('');
  const error = useSignal<string | null>(null);
  const setupCode = useSignal('');
  /** Shown once the server says the first account needs the code it printed at start. */
  const needsSetupCode = useSignal(false);
  const busy = useSignal(false);
  const id = useId();
  const isLogin = mode === 'login';

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    if (busy.value) return;
    const t = app.locale.t.peek();
    const local = isLogin ? null : usernameError(t, username.value);
    if (local) {
      error.value = local;
      return;
    }
    busy.value = true;
    error.value = null;
    const result = await app.session.signIn(
      mode,
      username.value,
      password.value,
      isLogin ? undefined : setupCode.value.trim() || undefined,
    );
    busy.value = false;
    if (!result.ok) {
      if (result.code === 'setup_code_required') needsSetupCode.value = true;
      error.value = result.code === 'network' ? t.networkError : apiErrorText(t, result);
      return;
    }
    const route = app.router.route.peek().name;
    if (route === 'login' || route === 'register') app.router.navigate('/', { replace: true });
  };

  return (
    <div class="auth">
      <div class="auth-top">
        <LanguageSwitch locale={app.locale} />
      </div>
      <main class="auth-card" aria-labelledby={`${id}-title`}>
        <p class="brand brand-large">
          <span class="brand-mark" aria-hidden="true" />
          {t.appName}
        </p>
        <p class="tagline">{t.tagline}</p>
        <h1 id={`${id}-title`}>{isLogin ? t.signIn : t.register}</h1>
        {app.session.endedBy.value && (
          <p class="form-error session-ended" role="alert" data-why={app.session.endedBy.value}>
            {t.sessionEnded[app.session.endedBy.value]}
          </p>
        )}
        <form class="stack" onSubmit={onSubmit}>
          <div class="field">
            <label for={`${id}-username`}>{t.username}</label>
            <input
              id={`${id}-username`}
              name="username"
              autocomplete="username"
              autocapitalize="none"
              spellcheck={false}
              required
              value={username.value}
              onInput={(e) => {
                username.value = e.currentTarget.value;
              }}
              aria-describedby={isLogin ? undefined : `${id}-username-hint`}
            />
            {!isLogin && (
              <p id={`${id}-username-hint`} class="hint">
                {t.usernameHint}
              </p>
            )}
          </div>
          <div class="field">
            <label for={`${id}-password`}>{t.password}</label>
            <input
              id={`${id}-password`}
              name="password"
              type="password"
              autocomplete={isLogin ? 'current-password' : 'new-password'}
              required
              value={password.value}
              onInput={(e) => {
                password.value = e.currentTarget.value;
              }}
              aria-describedby={isLogin ? undefined : `${id}-password-hint`}
            />
            {!isLogin && (
              <p id={`${id}-password-hint`} class="hint">
                {t.passwordHint}
              </p>
            )}
          </div>
          {!isLogin && needsSetupCode.value && (
            <div class="field">
              <label for={`${id}-setup`}>{t.setupCode}</label>
              <input
                id={`${id}-setup`}
                name="setupCode"
                autocomplete="off"
                autocapitalize="none"
                spellcheck={false}
                required
                value={setupCode.value}
                onInput={(e) => {
                  setupCode.value = e.currentTarget.value;
                }}
                aria-describedby={`${id}-setup-hint`}
              />
              <p id={`${id}-setup-hint`} class="hint">
                {t.setupCodeHint}
              </p>
            </div>
          )}
          {error.value && (
            <p class="form-error" role="alert">
              {error.value}
            </p>
          )}
          <button type="submit" class="button primary wide" disabled={busy.value}>
            {busy.value ? (isLogin ? t.signingIn : t.registering) : isLogin ? t.signIn : t.register}
          </button>
        </form>
        <p class="auth-switch">
          {isLogin ? t.needAccount : t.haveAccount}{' '}
          <Link router={app.router} href={isLogin ? '/register' : '/login'}>
            {isLogin ? t.register : t.signIn}
          </Link>
        </p>
      </main>
    </div>
  );
}

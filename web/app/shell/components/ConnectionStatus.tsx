/**
 * Always on screen: connecting, online (over which transport, and why long-polling when it is),
 * reconnecting with a live countdown, the reason and a "retry now" button, or offline with the
 * reason and what to do about it.
 */
import { CloseCode, closeInfo } from '../../../../shared/codes.js';
import type { Catalog } from '../../common/i18n.js';
import type { Connection } from '../models/connection.js';

export interface ConnectionStatusProps {
  connection: Connection;
  t: Catalog;
  onSignInAgain(): void;
  onReload(): void;
}

const SIGN_IN_CODES: ReadonlySet<number> = new Set([
  CloseCode.unauthorized.code,
  CloseCode.signed_out.code,
  CloseCode.account_suspended.code,
  CloseCode.account_deleted.code,
]);

export function ConnectionStatus({ connection, t, onSignInAgain, onReload }: ConnectionStatusProps) {
  const state = connection.state.value;
  switch (state.status) {
    case 'online': {
      // Why this transport: the SDK fell back (by code, translated; its English words for a code
      // this UI does not know yet), or the address chose it.
      const fallback = state.fallback;
      const chosen = !fallback && connection.mode !== 'auto';
      const why = fallback
        ? (t.fallbackWhy[fallback.code] ?? fallback.why)
        : chosen
          ? t.transportChosen
          : null;
      return (
        <div
          class="conn"
          data-status="online"
          data-transport={state.transport}
          data-why={fallback?.code ?? (chosen ? 'chosen' : undefined)}
        >
          <span class="conn-dot" aria-hidden="true" />
          <span role="status" class="conn-label">
            <span class="conn-word">{t.online}</span>
            <span class="conn-transport">{t.transportName[state.transport] ?? state.transport}</span>
            {why && (
              <span class="conn-reason">
                <span class="sr-only">: </span>
                {why}
              </span>
            )}
          </span>
        </div>
      );
    }
    case 'idle':
    case 'connecting':
      return (
        <div class="conn" data-status="connecting">
          <span class="conn-dot" aria-hidden="true" />
          <span role="status" class="conn-label">
            {t.connecting}
          </span>
        </div>
      );
    case 'reconnecting': {
      const seconds = connection.secondsLeft.value ?? 0;
      return (
        <div class="conn" data-status="reconnecting">
          <span class="conn-dot" aria-hidden="true" />
          <span role="status" class="conn-label">
            {/* The countdown changes every second: shown, but not read out each time. */}
            <span aria-hidden="true">{seconds > 0 ? t.reconnectingIn(seconds) : t.reconnecting}</span>
            <span class="sr-only">{t.reconnecting}</span>
            <span class="conn-reason">{state.reason}</span>
          </span>
          <button type="button" class="button small" onClick={() => connection.retryNow()}>
            {t.retryNow}
          </button>
        </div>
      );
    }
    case 'offline': {
      const info = closeInfo(state.code);
      const reason = info.name === 'unknown' ? state.reason : t.closeMeaning[info.name];
      const action = SIGN_IN_CODES.has(state.code)
        ? { label: t.signInAgain, run: onSignInAgain }
        : state.code === CloseCode.protocol_version.code
          ? { label: t.reload, run: onReload }
          : { label: t.retryNow, run: () => connection.retryNow() };
      return (
        <div class="conn" data-status="offline">
          <span class="conn-dot" aria-hidden="true" />
          <span role="status" class="conn-label">
            {t.offline}
            <span class="conn-reason">{reason}</span>
          </span>
          <button type="button" class="button small" onClick={action.run}>
            {action.label}
          </button>
        </div>
      );
    }
  }
}

/**
 * The console's header: the agent's availability (online or away: visitors are told whether
 * someone can answer), the chime on or off, desktop notifications (asked for only from this
 * button), and the canned responses panel.
 */
import { useSignal } from '@preact/signals';
import { useId } from 'preact/hooks';
import type { Availability } from '../../common/api.js';
import { Icon } from '../../common/components/Icon.js';
import type { Catalog } from '../../common/i18n.js';
import type { SupportDesk } from '../models/support.js';

export interface ConsoleBarProps {
  desk: SupportDesk;
  t: Catalog;
  cannedOpen: boolean;
  onToggleCanned(): void;
  cannedToggleRef: { current: HTMLButtonElement | null };
}

export function ConsoleBar({ desk, t, cannedOpen, onToggleCanned, cannedToggleRef }: ConsoleBarProps) {
  const id = useId();
  const error = useSignal<string | null>(null);
  const availability = desk.availability.value;
  const muted = desk.alerts.muted.value;
  const permission = desk.alerts.permission.value;

  const setAvailability = async (next: Availability) => {
    error.value = null;
    const result = await desk.setAvailability(next);
    if (!result.ok) error.value = result.message || t.networkError;
  };

  return (
    <header class="console-bar">
      <h1 class="console-title">{t.supportConsole}</h1>
      <fieldset class="availability" data-availability={availability ?? 'unknown'}>
        <legend class="sr-only">{t.availability}</legend>
        {(['online', 'away'] as const).map((value) => (
          <label key={value} class={`avail-option avail-${value}`}>
            <input
              type="radio"
              name={`${id}-availability`}
              value={value}
              checked={availability === value}
              onChange={() => setAvailability(value)}
            />
            <span class="avail-dot" aria-hidden="true" />
            <span>{t.availabilityName[value]}</span>
          </label>
        ))}
      </fieldset>
      <div class="console-tools">
        <button
          type="button"
          class="button small ghost"
          aria-pressed={!muted}
          title={muted ? t.soundOffHint : t.soundOnHint}
          onClick={() => desk.alerts.setMuted(!muted)}
        >
          <Icon name={muted ? 'muted' : 'sound'} />
          <span class="tool-label">{t.sound}</span>
        </button>
        {permission === 'default' && (
          <button type="button" class="button small ghost" onClick={() => desk.alerts.requestPermission()}>
            <Icon name="bell" />
            <span class="tool-label">{t.enableNotifications}</span>
          </button>
        )}
        {permission === 'granted' && (
          <span class="tool-state" title={t.notificationsOnHint}>
            <Icon name="bell" />
            <span class="tool-label">{t.notificationsOn}</span>
          </span>
        )}
        {permission === 'denied' && (
          <span class="tool-state is-off" title={t.notificationsBlockedHint}>
            <Icon name="bell" />
            <span class="tool-label">{t.notificationsBlocked}</span>
          </span>
        )}
        <button
          ref={cannedToggleRef}
          type="button"
          class="button small ghost"
          aria-expanded={cannedOpen}
          onClick={onToggleCanned}
        >
          <Icon name="canned" />
          <span class="tool-label">{t.cannedResponses}</span>
        </button>
      </div>
      {error.value && (
        <p class="form-error console-error" role="alert">
          {error.value}
        </p>
      )}
    </header>
  );
}

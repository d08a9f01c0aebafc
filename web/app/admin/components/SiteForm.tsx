/**
 * Registers a site, or edits one: its name, the origins its widget may run on (one per line),
 * the pre-chat form, the greeting, and optional business hours. The server checks every field;
 * its sentence is shown as it is.
 */
import { useSignal } from '@preact/signals';
import { useId, useMemo } from 'preact/hooks';
import type { SiteView } from '../../../../shared/api.js';
import type { ApiResult, SiteBody } from '../../common/api.js';
import type { Catalog, Lang } from '../../common/i18n.js';
import { apiErrorText, textError } from '../../common/text-errors.js';
import { parseOrigins } from '../models/admin.js';

/** Days as the server numbers them (0 = Sunday), in the order a week is read: Monday first. */
const WEEK = [1, 2, 3, 4, 5, 6, 0] as const;

export interface SiteFormProps {
  /** The site to edit; a new one when absent. */
  site?: SiteView;
  t: Catalog;
  lang: Lang;
  onSubmit(body: SiteBody): Promise<ApiResult<{ site: SiteView }>>;
  onDone(site: SiteView): void;
  onCancel?: () => void;
}

/** The browser's own time zone: the likeliest one for a new site. */
const localZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** The time zones this browser knows, for the field's suggestions. */
function zones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
  try {
    return intl.supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
}

/** Short weekday names in the UI's language, by the server's day number. */
export function weekdayNames(lang: Lang): string[] {
  const format = new Intl.DateTimeFormat(lang, { weekday: 'short', timeZone: 'UTC' });
  // 2023-01-01 was a Sunday.
  return Array.from({ length: 7 }, (_, day) => format.format(Date.UTC(2023, 0, 1 + day)));
}

export function SiteForm({ site, t, lang, onSubmit, onDone, onCancel }: SiteFormProps) {
  const id = useId();
  const hours = site?.options.businessHours ?? null;
  const name = useSignal(site?.name ?? '');
  const origins = useSignal(site?.allowedOrigins.join('\n') ?? '');
  const prechat = useSignal(site?.options.prechat ?? false);
  const greeting = useSignal(site?.options.greeting ?? '');
  const limitHours = useSignal(hours !== null);
  const timezone = useSignal(hours?.timezone ?? localZone());
  const days = useSignal<readonly number[]>(hours?.days ?? [1, 2, 3, 4, 5]);
  const open = useSignal(hours?.open ?? '09:00');
  const close = useSignal(hours?.close ?? '17:00');
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  const dayNames = useMemo(() => weekdayNames(lang), [lang]);
  const zoneList = useMemo(zones, []);

  const toggleDay = (day: number, on: boolean) => {
    const rest = days.value.filter((d) => d !== day);
    days.value = on ? [...rest, day].sort((a, b) => a - b) : rest;
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy.value) return;
    const allowedOrigins = parseOrigins(origins.value);
    if (allowedOrigins.length === 0) {
      error.value = t.siteNoOrigins;
      return;
    }
    if (limitHours.value && days.value.length === 0) {
      error.value = t.siteNoDays;
      return;
    }
    const badName = textError(t, t.siteName, name.value.trim());
    if (badName) {
      error.value = badName;
      return;
    }
    busy.value = true;
    error.value = null;
    const result = await onSubmit({
      name: name.value,
      allowedOrigins,
      options: {
        prechat: prechat.value,
        greeting: greeting.value.trim(),
        businessHours: limitHours.value
          ? { timezone: timezone.value.trim(), days: [...days.value], open: open.value, close: close.value }
          : null,
      },
    });
    busy.value = false;
    if (!result.ok) {
      error.value = (result.message && apiErrorText(t, result)) || t.networkError;
      return;
    }
    if (!site) {
      name.value = '';
      origins.value = '';
      prechat.value = false;
      greeting.value = '';
      limitHours.value = false;
    }
    onDone(result.value.site);
  };

  return (
    <form
      class={site ? 'site-form is-edit' : 'card site-form'}
      onSubmit={submit}
      aria-labelledby={`${id}-heading`}
    >
      {site ? (
        <h3 id={`${id}-heading`}>{t.editSiteTitle(site.name)}</h3>
      ) : (
        <h2 id={`${id}-heading`}>{t.newSite}</h2>
      )}
      <div class="field">
        <label for={`${id}-name`}>{t.siteName}</label>
        <input
          id={`${id}-name`}
          required
          maxLength={100}
          autocomplete="off"
          value={name.value}
          onInput={(e) => {
            name.value = e.currentTarget.value;
          }}
        />
      </div>
      <div class="field">
        <label for={`${id}-origins`}>{t.allowedOrigins}</label>
        <textarea
          id={`${id}-origins`}
          class="mono"
          rows={3}
          required
          spellcheck={false}
          autocapitalize="none"
          placeholder="https://www.example.com"
          aria-describedby={`${id}-origins-hint`}
          value={origins.value}
          onInput={(e) => {
            origins.value = e.currentTarget.value;
          }}
        />
        <p id={`${id}-origins-hint`} class="hint">
          {t.allowedOriginsHint}
        </p>
      </div>
      <label class="check">
        <input
          type="checkbox"
          checked={prechat.value}
          onChange={(e) => {
            prechat.value = e.currentTarget.checked;
          }}
        />
        <span>{t.prechat}</span>
        <span class="check-note">{t.prechatHint}</span>
      </label>
      <div class="field">
        <label for={`${id}-greeting`}>{t.greeting}</label>
        <textarea
          id={`${id}-greeting`}
          rows={2}
          maxLength={500}
          aria-describedby={`${id}-greeting-hint`}
          value={greeting.value}
          onInput={(e) => {
            greeting.value = e.currentTarget.value;
          }}
        />
        <p id={`${id}-greeting-hint`} class="hint">
          {t.greetingHint}
        </p>
      </div>
      <fieldset class="hours">
        <legend class="sr-only">{t.businessHours}</legend>
        <label class="check">
          <input
            type="checkbox"
            checked={limitHours.value}
            aria-describedby={`${id}-hours-hint`}
            onChange={(e) => {
              limitHours.value = e.currentTarget.checked;
            }}
          />
          <span>{t.limitHours}</span>
        </label>
        <p id={`${id}-hours-hint`} class="hint">
          {t.businessHoursHint}
        </p>
        {limitHours.value && (
          <div class="hours-fields">
            <div class="field">
              <label for={`${id}-tz`}>{t.timezone}</label>
              <input
                id={`${id}-tz`}
                required
                autocomplete="off"
                spellcheck={false}
                list={`${id}-zones`}
                value={timezone.value}
                onInput={(e) => {
                  timezone.value = e.currentTarget.value;
                }}
              />
              <datalist id={`${id}-zones`}>
                {zoneList.map((zone) => (
                  <option key={zone} value={zone} />
                ))}
              </datalist>
            </div>
            <fieldset class="days">
              <legend>{t.days}</legend>
              <ul class="day-choices">
                {WEEK.map((day) => (
                  <li key={day}>
                    <label class="day">
                      <input
                        type="checkbox"
                        checked={days.value.includes(day)}
                        onChange={(e) => toggleDay(day, e.currentTarget.checked)}
                      />
                      <span>{dayNames[day]}</span>
                    </label>
                  </li>
                ))}
              </ul>
            </fieldset>
            <div class="row">
              <div class="field time-field">
                <label for={`${id}-open`}>{t.opens}</label>
                <input
                  id={`${id}-open`}
                  type="time"
                  required
                  value={open.value}
                  onInput={(e) => {
                    open.value = e.currentTarget.value;
                  }}
                />
              </div>
              <div class="field time-field">
                <label for={`${id}-close`}>{t.closes}</label>
                <input
                  id={`${id}-close`}
                  type="time"
                  required
                  value={close.value}
                  onInput={(e) => {
                    close.value = e.currentTarget.value;
                  }}
                />
              </div>
            </div>
          </div>
        )}
      </fieldset>
      {error.value && (
        <p class="form-error" role="alert">
          {error.value}
        </p>
      )}
      <div class="row">
        <button type="submit" class="button primary" disabled={busy.value}>
          {busy.value ? t.saving : site ? t.saveSite : t.createSite}
        </button>
        {onCancel && (
          <button type="button" class="button ghost" onClick={onCancel}>
            {t.cancel}
          </button>
        )}
      </div>
    </form>
  );
}

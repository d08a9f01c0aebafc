/**
 * One site in the admin's list: its name, key, allowed origins and options, the embed snippet,
 * and an Edit button that turns the entry into the form. Everything in it is text.
 */
import { useSignal } from '@preact/signals';
import { useEffect, useId, useRef } from 'preact/hooks';
import type { SiteView } from '../../../../shared/api.js';
import type { Catalog, Lang } from '../../common/i18n.js';
import type { Sites } from '../models/admin.js';
import { EmbedSnippet } from './EmbedSnippet.js';
import { SiteForm, weekdayNames } from './SiteForm.js';

export interface SiteItemProps {
  site: SiteView;
  sites: Sites;
  t: Catalog;
  lang: Lang;
  formatDate(ts: number): string;
}

/** "Mon, Tue, Wed 09:00–17:00 (Europe/Berlin)", or "Always". */
function hoursText(site: SiteView, t: Catalog, lang: Lang): string {
  const hours = site.options.businessHours;
  if (!hours) return t.alwaysOpen;
  const names = weekdayNames(lang);
  const order = [1, 2, 3, 4, 5, 6, 0].filter((d) => hours.days.includes(d));
  return t.hoursSummary(
    order.map((d) => names[d] ?? '').join(t.listSeparator),
    hours.open,
    hours.close,
    hours.timezone,
  );
}

export function SiteItem({ site, sites, t, lang, formatDate }: SiteItemProps) {
  const id = useId();
  const editing = useSignal(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);

  // Back from the form, focus returns to the button that opened it.
  useEffect(() => {
    if (wasEditing.current && !editing.value) editButton.current?.focus();
    wasEditing.current = editing.value;
  }, [editing.value]);

  if (editing.value) {
    return (
      <li class="site" data-site={site.key}>
        <SiteForm
          site={site}
          t={t}
          lang={lang}
          onSubmit={(body) => sites.update(site.id, body)}
          onDone={() => {
            editing.value = false;
          }}
          onCancel={() => {
            editing.value = false;
          }}
        />
      </li>
    );
  }

  return (
    <li class="site" data-site={site.key} aria-labelledby={`${id}-name`}>
      <div class="site-head">
        <h3 class="site-name" id={`${id}-name`}>
          {site.name}
        </h3>
        <button
          ref={editButton}
          type="button"
          class="button small"
          aria-label={t.editSite(site.name)}
          onClick={() => {
            editing.value = true;
          }}
        >
          {t.edit}
        </button>
      </div>
      <dl class="site-facts">
        <div>
          <dt>{t.siteKey}</dt>
          <dd>
            <code>{site.key}</code>
          </dd>
        </div>
        <div>
          <dt>{t.allowedOrigins}</dt>
          <dd>
            <ul class="scope-list">
              {site.allowedOrigins.map((origin) => (
                <li key={origin}>
                  <code>{origin}</code>
                </li>
              ))}
            </ul>
          </dd>
        </div>
        <div>
          <dt>{t.prechat}</dt>
          <dd>{site.options.prechat ? t.yes : t.no}</dd>
        </div>
        <div>
          <dt>{t.greeting}</dt>
          <dd class="site-greeting">{site.options.greeting || t.noGreeting}</dd>
        </div>
        <div>
          <dt>{t.businessHours}</dt>
          <dd>{hoursText(site, t, lang)}</dd>
        </div>
        <div>
          <dt>{t.siteCreated}</dt>
          <dd>{formatDate(site.createdAt)}</dd>
        </div>
      </dl>
      <EmbedSnippet snippet={site.snippet} t={t} />
    </li>
  );
}

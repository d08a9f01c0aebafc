/**
 * Sites, for admins: register a website for the support widget, see each site's embed snippet,
 * and edit its origins and options. Anyone else who opens the address is told who may use it;
 * the server refuses them too.
 */
import { useSignal } from '@preact/signals';
import { useEffect, useId, useMemo, useRef } from 'preact/hooks';
import type { SiteView } from '../../../../shared/api.js';
import type { Catalog, Lang } from '../../common/i18n.js';
import { EmbedSnippet } from '../components/EmbedSnippet.js';
import { SiteForm } from '../components/SiteForm.js';
import { SiteItem } from '../components/SiteItem.js';
import type { Sites } from '../models/admin.js';

export interface SitesPageProps {
  /** Null for anyone but an admin. */
  sites: Sites | null;
  t: Catalog;
  lang: Lang;
}

export function SitesPage({ sites, t, lang }: SitesPageProps) {
  const id = useId();
  const made = useSignal<SiteView | null>(null);
  const madeHeading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (sites) void sites.refresh();
  }, [sites]);

  useEffect(() => {
    if (made.value) madeHeading.current?.focus();
  }, [made.value]);

  const formatDate = useMemo(() => {
    const format = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' });
    return (ts: number) => format.format(ts);
  }, [lang]);

  const header = (
    <header class="page-header">
      <h1 id={`${id}-title`}>{t.sites}</h1>
      {sites && <p class="page-intro">{t.sitesIntro}</p>}
    </header>
  );

  if (!sites) {
    return (
      <section class="page" aria-labelledby={`${id}-title`}>
        <div class="page-inner">
          {header}
          <p class="card admin-only">{t.sitesAdminOnly}</p>
        </div>
      </section>
    );
  }

  // Newest first: the one just registered is at the top.
  const list = [...sites.list.value].sort((a, b) => b.createdAt - a.createdAt);
  const load = sites.load.value;
  return (
    <section class="page" aria-labelledby={`${id}-title`}>
      <div class="page-inner">
        {header}
        {made.value && (
          <section class="card new-site" aria-labelledby={`${id}-made`}>
            <h2 id={`${id}-made`} ref={madeHeading} tabIndex={-1}>
              {t.siteCreatedTitle(made.value.name)}
            </h2>
            <EmbedSnippet snippet={made.value.snippet} t={t} />
            <div class="row">
              <button
                type="button"
                class="button"
                onClick={() => {
                  made.value = null;
                }}
              >
                {t.done}
              </button>
            </div>
          </section>
        )}
        <SiteForm
          t={t}
          lang={lang}
          onSubmit={(body) => sites.create(body)}
          onDone={(site) => {
            made.value = site;
          }}
        />
        <section class="card" aria-labelledby={`${id}-list`}>
          <h2 id={`${id}-list`}>{t.siteList}</h2>
          {load === 'error' && (
            <p class="form-error" role="alert">
              {t.sitesFailed(sites.error.value ?? t.networkError)}{' '}
              <button type="button" class="button link" onClick={() => sites.refresh()}>
                {t.tryAgain}
              </button>
            </p>
          )}
          {list.length === 0 && load === 'loading' && <p class="muted">{t.loading}</p>}
          {list.length === 0 && load === 'ready' && <p class="muted">{t.noSites}</p>}
          {list.length > 0 && (
            <ul class="site-list">
              {list.map((site) => (
                <SiteItem key={site.id} site={site} sites={sites} t={t} lang={lang} formatDate={formatDate} />
              ))}
            </ul>
          )}
        </section>
      </div>
    </section>
  );
}

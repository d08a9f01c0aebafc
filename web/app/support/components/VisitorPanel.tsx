/**
 * Who the agent is talking to: name and email, local time (a live clock in the visitor's time
 * zone), browser and system, the page open now and the pages viewed before (newest first; only
 * http(s) addresses become links), and the attributes the site passed with `identify`. All of it
 * comes from the visitor's browser, so all of it is text.
 */
import { useSignal } from '@preact/signals';
import { useEffect, useMemo } from 'preact/hooks';
import type { VisitorContext } from '../../../../shared/api.js';
import { safeHref } from '../../../../shared/linkify.js';
import { Icon } from '../../common/components/Icon.js';
import type { Catalog, Lang } from '../../common/i18n.js';
import type { Conversation, PageVisit } from '../models/conversation.js';
import { summarizeUserAgent } from '../models/useragent.js';

/** The visitor's time now, or null when their time zone is unknown or not a real one. */
function localTime(timezone: string, lang: Lang, now: number): string | null {
  if (!timezone) return null;
  try {
    return new Intl.DateTimeFormat(lang, {
      timeZone: timezone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
    }).format(now);
  } catch {
    return null;
  }
}

function LocalClock({ timezone, t, lang }: { timezone: string; t: Catalog; lang: Lang }) {
  const now = useSignal(Date.now());
  useEffect(() => {
    const timer = setInterval(() => {
      now.value = Date.now();
    }, 10_000);
    return () => clearInterval(timer);
  }, [now]);
  const time = localTime(timezone, lang, now.value);
  if (!time) return <span class="muted">{t.unknown}</span>;
  return (
    <span class="vp-clock">
      <span class="vp-time">{time}</span> <span class="muted">({timezone})</span>
    </span>
  );
}

function PageLink({ page, t }: { page: PageVisit; t: Catalog }) {
  const href = safeHref(page.url);
  const title = page.title.trim() || page.url || t.untitledPage;
  return (
    <span class="vp-page">
      {href ? (
        <a href={href} target="_blank" rel="noopener noreferrer nofollow" class="vp-page-title">
          {title}
        </a>
      ) : (
        <span class="vp-page-title">{title}</span>
      )}
      <span class="vp-page-url">{page.url}</span>
    </span>
  );
}

export interface VisitorPanelProps {
  id: string;
  conversation: Conversation;
  t: Catalog;
  lang: Lang;
  onClose(): void;
}

export function VisitorPanel({ id, conversation, t, lang, onClose }: VisitorPanelProps) {
  const context: VisitorContext | null = conversation.context.value;
  const status = conversation.contextStatus.value;
  const formatTime = useMemo(() => {
    const format = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' });
    return (ts: number) => format.format(ts);
  }, [lang]);

  let body = null;
  if (status === 'error' && !context) {
    body = (
      <p class="form-error" role="alert">
        {t.visitorFailed(conversation.contextError.value ?? t.networkError)}{' '}
        <button type="button" class="button link" onClick={() => conversation.loadContext()}>
          {t.tryAgain}
        </button>
      </p>
    );
  } else if (!context) {
    body = <p class="muted">{status === 'ready' ? t.noVisitor : t.loading}</p>;
  } else {
    const ua = summarizeUserAgent(context.userAgent);
    const browser = ua.browser && ua.os ? t.browserOn(ua.browser, ua.os) : (ua.browser ?? ua.os ?? null);
    const [current, ...earlier] = context.pages;
    const attributes = Object.entries(context.attributes);
    body = (
      <>
        <dl class="vp-facts">
          <div>
            <dt>{t.visitorName}</dt>
            <dd>{context.name || <span class="muted">{t.unknown}</span>}</dd>
          </div>
          <div>
            <dt>{t.email}</dt>
            <dd>{context.email || <span class="muted">{t.unknown}</span>}</dd>
          </div>
          <div>
            <dt>{t.localTime}</dt>
            <dd>
              <LocalClock timezone={context.timezone} t={t} lang={lang} />
            </dd>
          </div>
          <div>
            <dt>{t.browser}</dt>
            <dd title={context.userAgent}>{browser ?? <span class="muted">{t.unknown}</span>}</dd>
          </div>
          <div>
            <dt>{t.currentPage}</dt>
            <dd>{current ? <PageLink page={current} t={t} /> : <span class="muted">{t.unknown}</span>}</dd>
          </div>
        </dl>
        <h4>{t.pagesViewed}</h4>
        {context.pages.length === 0 ? (
          <p class="muted">{t.noPages}</p>
        ) : (
          <ol class="vp-pages">
            {[current, ...earlier].map(
              (page, i) =>
                page && (
                  // Pages repeat, so the key is the position and the time.
                  <li key={`${i}-${page.at}`}>
                    <PageLink page={page} t={t} />
                    <time class="vp-page-at" dateTime={new Date(page.at).toISOString()}>
                      {formatTime(page.at)}
                    </time>
                  </li>
                ),
            )}
          </ol>
        )}
        <h4>{t.attributes}</h4>
        {attributes.length === 0 ? (
          <p class="muted">{t.noAttributes}</p>
        ) : (
          <dl class="vp-attrs">
            {attributes.map(([key, value]) => (
              <div key={key}>
                <dt>{key}</dt>
                <dd>{String(value)}</dd>
              </div>
            ))}
          </dl>
        )}
      </>
    );
  }

  return (
    <aside class="vp" id={id} aria-labelledby={`${id}-title`}>
      <header class="vp-header">
        <h3 id={`${id}-title`}>{t.visitorDetails}</h3>
        <button type="button" class="icon-button vp-close" onClick={onClose}>
          <Icon name="close" />
          <span class="sr-only">{t.hideVisitorDetails}</span>
        </button>
      </header>
      {body}
    </aside>
  );
}

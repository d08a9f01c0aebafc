/**
 * The user's jobs: the download demo's button, then every job of the last 24 hours as a live
 * progress bar. The bars come from the workspace's jobs model, which follows the user's stream,
 * so they are right at once after a reload and keep moving while the page is closed.
 */
import { useSignal } from '@preact/signals';
import { useEffect, useId, useMemo } from 'preact/hooks';
import type { Catalog, Lang } from '../../common/i18n.js';
import { JobItem } from '../components/JobItem.js';
import type { Jobs } from '../models/jobs.js';

export interface JobsPageProps {
  jobs: Jobs;
  t: Catalog;
  lang: Lang;
  origin: string;
}

export function JobsPage({ jobs, t, lang, origin }: JobsPageProps) {
  const id = useId();
  const starting = useSignal(false);
  const startError = useSignal<string | null>(null);
  const list = jobs.list.value;
  const load = jobs.load.value;

  // The live snapshot covers running and recent jobs; the list reaches back a whole day.
  useEffect(() => {
    void jobs.refresh();
  }, [jobs]);

  const formatTime = useMemo(() => {
    const format = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    return (ts: number) => format.format(ts);
  }, [lang]);

  const start = async () => {
    if (starting.value) return;
    starting.value = true;
    startError.value = null;
    const result = await jobs.startDownload();
    starting.value = false;
    if (!result.ok) startError.value = result.message || t.networkError;
  };

  return (
    <section class="page" aria-labelledby={`${id}-title`}>
      <div class="page-inner">
        <header class="page-header">
          <h1 id={`${id}-title`}>{t.jobs}</h1>
          <p class="page-intro">{t.jobsIntro}</p>
        </header>

        <div class="card">
          <h2>{t.downloadDemo}</h2>
          <p class="hint">{t.downloadDemoHint}</p>
          <div class="row">
            <button type="button" class="button primary" disabled={starting.value} onClick={start}>
              {starting.value ? t.starting : t.startDownload}
            </button>
          </div>
          {startError.value && (
            <p class="form-error" role="alert">
              {startError.value}
            </p>
          )}
        </div>

        <section class="card" aria-labelledby={`${id}-list`}>
          <h2 id={`${id}-list`}>{t.yourJobs}</h2>
          {load === 'error' && (
            <p class="form-error" role="alert">
              {t.jobsFailed(jobs.error.value ?? t.networkError)}{' '}
              <button type="button" class="button link" onClick={() => jobs.refresh()}>
                {t.tryAgain}
              </button>
            </p>
          )}
          {list.length === 0 && load === 'loading' && <p class="muted">{t.loading}</p>}
          {list.length === 0 && load === 'ready' && <p class="muted">{t.noJobs}</p>}
          {list.length > 0 && (
            <ul class="job-list">
              {list.map((job) => (
                <JobItem key={job.id} job={job} t={t} lang={lang} origin={origin} formatTime={formatTime} />
              ))}
            </ul>
          )}
        </section>
      </div>
    </section>
  );
}

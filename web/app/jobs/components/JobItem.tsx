/**
 * One job: its title, a progress bar with the percent, the server's message while it runs, then
 * how it ended: a download link, "done", or the error in words. The title, message, error and
 * file name come from a backend and are only ever text.
 */
import { useId } from 'preact/hooks';
import type { JobView } from '../../../../shared/api.js';
import { Icon } from '../../common/components/Icon.js';
import { formatBytes, formatNumber } from '../../common/format.js';
import type { Catalog, Lang } from '../../common/i18n.js';
import { jobDownload } from '../models/jobs.js';

export interface JobItemProps {
  job: JobView;
  t: Catalog;
  lang: Lang;
  origin: string;
  formatTime(ts: number): string;
}

export function JobItem({ job, t, lang, origin, formatTime }: JobItemProps) {
  const id = useId();
  const percent = Math.min(100, Math.max(0, job.percent));
  const file = jobDownload(job, origin);
  return (
    <li class="job" data-status={job.status} data-job={job.id}>
      <div class="job-head">
        <span class="job-title" id={`${id}-title`}>
          {job.title}
        </span>
        <span class="job-percent" aria-hidden="true">
          {t.percent(formatNumber(Math.floor(percent), lang))}
        </span>
      </div>
      <progress
        class="job-progress"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-state`}
        max={100}
        value={percent}
      />
      <div class="job-foot">
        <p class="job-state" id={`${id}-state`}>
          {job.status === 'running' && <span class="job-message">{job.message}</span>}
          {/* A live region that is empty while the job runs: only the outcome is announced. */}
          <span role="status">
            {job.status === 'done' && (file ? t.downloadComplete : t.jobDone)}
            {job.status === 'failed' && (job.error ? t.jobFailed(job.error) : t.jobFailedNoReason)}
          </span>
        </p>
        <time class="job-time" dateTime={new Date(job.updatedAt).toISOString()}>
          {t.jobUpdated(formatTime(job.updatedAt))}
        </time>
      </div>
      {job.status === 'done' && !file && job.message && <p class="job-note">{job.message}</p>}
      {file && (
        <a class="button small job-download" href={file.href} download={file.name}>
          <Icon name="download" />
          <span class="job-file">{t.downloadFile(file.name)}</span>
          {file.bytes !== null && <span class="job-size">{formatBytes(file.bytes, lang)}</span>}
        </a>
      )}
    </li>
  );
}

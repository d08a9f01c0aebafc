/**
 * The top bar's way to the jobs page, with a compact indicator while jobs run: the percent of
 * the one running job, or how many run. Screen readers hear "Jobs, 1 job running".
 */

import { Icon } from '../../common/components/Icon.js';
import { Link } from '../../common/components/Link.js';
import { formatNumber } from '../../common/format.js';
import type { Catalog, Lang } from '../../common/i18n.js';
import { JOBS_PATH, type Router } from '../../common/models/router.js';
import type { Jobs } from '../models/jobs.js';

export function JobsLink({
  jobs,
  router,
  t,
  lang,
  current,
}: {
  jobs: Jobs;
  router: Router;
  t: Catalog;
  lang: Lang;
  current: boolean;
}) {
  const running = jobs.running.value;
  const only = running.length === 1 ? running[0] : undefined;
  return (
    <Link
      router={router}
      href={JOBS_PATH}
      class="topbar-link jobs-link"
      aria-current={current ? 'page' : undefined}
    >
      <Icon name="download" />
      <span class="topbar-link-text">{t.jobs}</span>
      {running.length > 0 && (
        <span class="job-pill">
          <span class="job-pill-spin" aria-hidden="true" />
          <span aria-hidden="true">
            {only ? t.percent(formatNumber(Math.floor(only.percent), lang)) : running.length}
          </span>
          <span class="sr-only">{t.jobsRunning(running.length)}</span>
        </span>
      )}
    </Link>
  );
}

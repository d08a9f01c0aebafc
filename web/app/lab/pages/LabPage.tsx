/**
 * The Transport lab: what the article claims, a Run button, live progress per transport, then
 * the results as bars and as a table with the same numbers.
 */
import { useId } from 'preact/hooks';
import type { LabResult } from '../../../lab/run-lab.js';
import { Link } from '../../common/components/Link.js';
import { formatBytes, formatMs, formatNumber } from '../../common/format.js';
import type { Catalog, Lang } from '../../common/i18n.js';
import { LAB_PATH, type Router } from '../../common/models/router.js';
import { type Lab, type LabLane, type LabSettings, labSeconds, parseLabSettings } from '../models/lab.js';

export interface LabPageProps {
  lab: Lab;
  router: Router;
  t: Catalog;
  lang: Lang;
}

/** The run the page suggests for a quick look. */
const SHORT_RUN = `${LAB_PATH}?messages=10&rate=10&idle=3`;

/** Under this, an idle phase may end before a heartbeat or a held poll does (both about 25 s). */
const SHORT_IDLE_MS = 30_000;

type MetricKey = 'bytesPerMessage' | 'idleBytesPerMinute' | 'requests' | 'latencyP50' | 'latencyP95';
const METRICS: readonly MetricKey[] = [
  'bytesPerMessage',
  'idleBytesPerMinute',
  'requests',
  'latencyP50',
  'latencyP95',
];

function formatMetric(key: MetricKey, value: number | null, t: Catalog, lang: Lang): string {
  if (value === null) return t.labNotMeasured;
  switch (key) {
    case 'bytesPerMessage':
      return formatBytes(value, lang);
    case 'idleBytesPerMinute':
      return t.perMinute(formatBytes(value, lang));
    case 'requests':
      return formatNumber(value, lang);
    case 'latencyP50':
    case 'latencyP95':
      return t.milliseconds(formatMs(value, lang));
  }
}

const about = (seconds: number, t: Catalog, lang: Lang): string =>
  seconds < 120 ? t.seconds(formatNumber(seconds, lang)) : t.minutes(formatNumber(seconds / 60, lang, 1));

export function LabPage({ lab, router, t, lang }: LabPageProps) {
  const id = useId();
  const { settings: asked, ignored } = parseLabSettings(router.query.value);
  const status = lab.status.value;
  const running = status === 'running';
  // The lanes count against the run under way (or last finished), not what the address says now.
  const ran = lab.settings.value ?? asked;
  const lanes = lab.lanes.value;
  const results = lanes.map((lane) => lane.result);

  return (
    <section class="lab" aria-labelledby={`${id}-title`}>
      <div class="lab-inner">
        <header class="lab-header">
          <h1 id={`${id}-title`}>{t.lab}</h1>
          <p class="lab-intro">{t.labIntro}</p>
        </header>

        <div class="lab-card lab-start">
          <p>
            {t.labScript(
              asked.messages,
              formatNumber(asked.ratePerSec, lang, 1),
              formatNumber(asked.idleMs / 1000, lang, 1),
              about(labSeconds(asked), t, lang),
            )}
          </p>
          {ignored.length > 0 && (
            <p class="form-error" role="alert">
              {t.labIgnored(ignored)}
            </p>
          )}
          <div class="lab-actions">
            <button type="button" class="button primary" disabled={running} onClick={() => lab.run(asked)}>
              {running ? t.labRunning : status === 'done' ? t.labRunAgain : t.labRun}
            </button>
            <p class="hint">
              {t.labShortRuns(
                <Link router={router} href={SHORT_RUN}>
                  <code>{SHORT_RUN}</code>
                </Link>,
              )}
            </p>
          </div>
        </div>

        <p class="sr-only" role="status">
          {running ? t.labRunning : status === 'done' ? t.labAllDone : ''}
        </p>

        {status !== 'idle' && (
          <section class="lab-card" aria-labelledby={`${id}-progress`}>
            <h2 id={`${id}-progress`}>{t.labProgress}</h2>
            {lab.overdue.value && <p class="lab-warn">{t.labOverdue}</p>}
            <ul class="lab-lanes">
              {lanes.map((lane) => (
                <Lane key={lane.transport} lane={lane} settings={ran} now={lab.now.value} t={t} />
              ))}
            </ul>
          </section>
        )}

        {status === 'done' && results.some((r) => r !== null) && (
          <section class="lab-card" aria-labelledby={`${id}-results`}>
            <h2 id={`${id}-results`}>{t.labResults}</h2>
            <Chart lanes={lanes} t={t} lang={lang} />
            <ResultTable lanes={lanes} t={t} lang={lang} />
            <p class="lab-note">{t.labSource}</p>
            {ran.idleMs < SHORT_IDLE_MS && <p class="lab-note">{t.labShortIdle}</p>}
            {lab.overdue.value && <p class="lab-warn">{t.labOverdue}</p>}
          </section>
        )}
      </div>
    </section>
  );
}

/** One transport's progress: the messages, then the idle minute, on one bar. */
function Lane({ lane, settings, now, t }: { lane: LabLane; settings: LabSettings; now: number; t: Catalog }) {
  const id = useId();
  const total = settings.messages;
  // The bar covers the whole run in time: the message phase, then the idle phase.
  const messageSeconds = total / settings.ratePerSec;
  const share = messageSeconds / (messageSeconds + settings.idleMs / 1000 || 1);
  const idleLeftMs = lane.idleEndsAt === null ? settings.idleMs : Math.max(0, lane.idleEndsAt - now);
  const idleDone = settings.idleMs === 0 ? 1 : 1 - idleLeftMs / settings.idleMs;
  let fraction = 0;
  let text: string;
  switch (lane.phase) {
    case 'waiting':
      text = t.labWaiting;
      break;
    case 'connecting':
      text = t.labConnecting;
      break;
    case 'messages':
      fraction = (lane.delivered / total) * share;
      text = t.labDelivered(lane.delivered, total);
      break;
    case 'idle':
      fraction = share + idleDone * (1 - share);
      text = t.labIdle(Math.ceil(idleLeftMs / 1000));
      break;
    case 'done':
      fraction = 1;
      text = t.labDone(lane.delivered, total);
      break;
    case 'failed':
      text = t.labFailed(
        lane.error?.code === 'failed' ? lane.error.reason : lane.error ? t.labNoWebSocket : '',
      );
      break;
  }
  return (
    <li class="lab-lane" data-transport={lane.transport} data-phase={lane.phase}>
      <span class="lab-lane-name" id={`${id}-name`}>
        {t.labTransport[lane.transport]}
      </span>
      <progress
        class="lab-progress"
        aria-labelledby={`${id}-name`}
        aria-describedby={`${id}-text`}
        max={1000}
        value={Math.round(Math.min(1, Math.max(0, fraction)) * 1000)}
      />
      <span class="lab-lane-text" id={`${id}-text`}>
        {text}
      </span>
      {lane.stalled && <p class="lab-lane-warn">{t.labStalled}</p>}
    </li>
  );
}

const metricOf = (result: LabResult | null, key: MetricKey): number | null => (result ? result[key] : null);

/** One group of bars per metric, each bar scaled to the group's largest value. */
function Chart({ lanes, t, lang }: { lanes: readonly LabLane[]; t: Catalog; lang: Lang }) {
  return (
    // The table below carries the same numbers for assistive technology.
    <div class="lab-chart" aria-hidden="true" title={t.labChart}>
      {METRICS.map((key) => {
        const values = lanes.map((lane) => metricOf(lane.result, key));
        const max = Math.max(0, ...values.map((v) => v ?? 0));
        return (
          <div key={key} class="lab-metric">
            <h3>{t.labMetric[key]}</h3>
            <ul>
              {lanes.map((lane, i) => {
                const value = values[i] ?? null;
                // A measured value always shows a sliver, so "tiny" never looks like "missing".
                const width = value === null || value <= 0 ? 0 : Math.max(1, (value / max) * 100);
                return (
                  <li key={lane.transport} class="lab-bar-row" data-transport={lane.transport}>
                    <span class="lab-bar-name">{t.labTransport[lane.transport]}</span>
                    <svg
                      class="lab-bar"
                      viewBox="0 0 100 10"
                      preserveAspectRatio="none"
                      aria-hidden="true"
                      focusable="false"
                    >
                      <rect class="lab-bar-track" width="100" height="10" />
                      <rect class="lab-bar-fill" width={width.toFixed(2)} height="10" />
                    </svg>
                    <span class="lab-bar-value">{formatMetric(key, value, t, lang)}</span>
                  </li>
                );
              })}
            </ul>
          </div>
        );
      })}
    </div>
  );
}

function ResultTable({ lanes, t, lang }: { lanes: readonly LabLane[]; t: Catalog; lang: Lang }) {
  return (
    // A region that scrolls sideways on its own at phone widths; focusable so keys can scroll it.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <section class="table-scroll" aria-label={t.labTable} tabIndex={0}>
      <table class="lab-table">
        <thead>
          <tr>
            <th scope="col">{t.labTransportColumn}</th>
            {METRICS.map((key) => (
              <th key={key} scope="col">
                {t.labMetric[key]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {lanes.map((lane) => (
            <tr key={lane.transport} data-transport={lane.transport}>
              <th scope="row">
                <span class="lab-swatch" aria-hidden="true" />
                {t.labTransport[lane.transport]}
              </th>
              {METRICS.map((key) => {
                const value = metricOf(lane.result, key);
                return (
                  <td key={key} data-metric={key} data-value={value ?? ''}>
                    {formatMetric(key, value, t, lang)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

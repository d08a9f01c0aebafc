/**
 * The signed-in user's jobs, each at its latest state. Progress is a latest-value stream: the
 * server sends a `job` frame for every change, and the current state of every running and recent
 * job at once after (re)subscribing to `user:<me>`, so a reload or a reconnect shows each bar where
 * it is without replaying the steps. The end of a job is also a durable `job.done` / `job.failed`
 * event in that stream, which this model reads too, so an ending is never missed.
 *
 * @example
 * const jobs = createJobs({ api, client, userId: me.id });
 * client.subscribe(userStream(me.id));
 * await jobs.startDownload(); // the bar appears, then fills from `job` frames
 */
import { computed, type ReadonlySignal, signal } from '@preact/signals';
import type { JobView } from '../../../../shared/api.js';
import { safeHref } from '../../../../shared/linkify.js';
import type { EventFrame } from '../../../../shared/protocol.js';
import type { SwitchboardClient } from '../../../client/index.js';
import type { Api, ApiResult } from '../../common/api.js';

export const userStream = (userId: string): string => `user:${userId}`;

export type JobsLoad = 'idle' | 'loading' | 'ready' | 'error';

export interface Jobs {
  /** Newest first; a job keeps its place while it runs. */
  readonly list: ReadonlySignal<JobView[]>;
  readonly running: ReadonlySignal<JobView[]>;
  /** The HTTP list (`GET /api/jobs`), which reaches further back than the snapshot. */
  readonly load: ReadonlySignal<JobsLoad>;
  readonly error: ReadonlySignal<string | null>;
  refresh(): Promise<void>;
  /** Starts the download demo; the job is shown at once and then follows its frames. */
  startDownload(): Promise<ApiResult<JobView>>;
  dispose(): void;
}

/**
 * Which of two states of one job to keep. A job never runs again once it ended, so an ending
 * always beats a running state (frames and the end event can arrive in either order); otherwise
 * the newer `updatedAt` wins, and a tie takes the incoming copy.
 */
export function newerJob(held: JobView | undefined, incoming: JobView): JobView {
  if (!held) return incoming;
  const heldEnded = held.status !== 'running';
  const incomingEnded = incoming.status !== 'running';
  if (heldEnded !== incomingEnded) return heldEnded ? held : incoming;
  return incoming.updatedAt >= held.updatedAt ? incoming : held;
}

/**
 * The job a `job.done` / `job.failed` event describes, or null for any other event. The event's
 * data is `{jobId, title, result}` or `{jobId, title, error}`; anything else is not ours to read.
 */
export function jobFromEvent(
  event: EventFrame,
  held: (jobId: string) => JobView | undefined = () => undefined,
): JobView | null {
  if (event.event !== 'job.done' && event.event !== 'job.failed') return null;
  const data = event.data;
  if (typeof data !== 'object' || data === null) return null;
  const { jobId, title, result, error } = data as Record<string, unknown>;
  if (typeof jobId !== 'string') return null;
  const before = held(jobId);
  const base = {
    id: jobId,
    title: typeof title === 'string' ? title : (before?.title ?? ''),
    message: before?.message ?? '',
    createdAt: before?.createdAt ?? event.ts,
    updatedAt: event.ts,
  };
  if (event.event === 'job.failed') {
    return {
      ...base,
      status: 'failed',
      percent: before?.percent ?? 0,
      error: typeof error === 'string' ? error : '',
    };
  }
  return { ...base, status: 'done', percent: 100, result };
}

function lastSegment(href: string): string {
  const raw = new URL(href).pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** A finished job's file: where to get it, what to call it, and its size when the job said. */
export interface JobDownload {
  href: string;
  name: string;
  bytes: number | null;
}

/**
 * The download a done job offers, from a result like `{url, name?, bytes?}`: the URL may be
 * relative to the page (`/api/downloads/<id>`), and only http(s) is linked (a `javascript:` URL
 * from a backend stays unlinked), or null when there is none.
 */
export function jobDownload(job: JobView, origin: string): JobDownload | null {
  if (job.status !== 'done' || typeof job.result !== 'object' || job.result === null) return null;
  const { url, name, bytes } = job.result as Record<string, unknown>;
  if (typeof url !== 'string' || url === '') return null;
  let absolute: string;
  try {
    absolute = new URL(url, origin).href;
  } catch {
    return null;
  }
  const href = safeHref(absolute);
  if (href === null) return null;
  const fallback = lastSegment(href) || job.title;
  return {
    href,
    name: typeof name === 'string' && name.trim() !== '' ? name : fallback,
    bytes: typeof bytes === 'number' && Number.isFinite(bytes) && bytes >= 0 ? bytes : null,
  };
}

export function createJobs({
  api,
  client,
  userId,
}: {
  api: Api;
  client: SwitchboardClient;
  userId: string;
}): Jobs {
  const stream = userStream(userId);
  const byId = signal<ReadonlyMap<string, { job: JobView; since: number }>>(new Map());
  const load = signal<JobsLoad>('idle');
  const error = signal<string | null>(null);

  const upsert = (incoming: readonly JobView[]) => {
    const held = byId.peek();
    let next: Map<string, { job: JobView; since: number }> | null = null;
    for (const job of incoming) {
      const entry = (next ?? held).get(job.id);
      const kept = newerJob(entry?.job, job);
      if (entry && kept === entry.job) continue;
      next ??= new Map(held);
      // `since` orders the list: when the job started, so a running job keeps its place.
      next.set(job.id, { job: kept, since: entry?.since ?? job.createdAt });
    }
    if (next) byId.value = next;
  };

  const offs = [
    client.on('job', ({ type: _type, ...job }) => upsert([job])),
    client.on('event', (event) => {
      if (event.stream !== stream) return;
      const job = jobFromEvent(event, (id) => byId.peek().get(id)?.job);
      if (job) upsert([job]);
    }),
  ];

  const list = computed(() =>
    [...byId.value.values()]
      .sort((a, b) => b.since - a.since || (a.job.id < b.job.id ? -1 : 1))
      .map((entry) => entry.job),
  );

  return {
    list,
    running: computed(() => list.value.filter((job) => job.status === 'running')),
    load,
    error,
    async refresh() {
      if (load.peek() !== 'ready') load.value = 'loading';
      const result = await api.jobs();
      if (!result.ok) {
        error.value = result.message || null;
        if (load.peek() !== 'ready') load.value = 'error';
        return;
      }
      upsert(result.value.jobs);
      error.value = null;
      load.value = 'ready';
    },
    async startDownload() {
      const result = await api.startDownload();
      if (!result.ok) return result;
      upsert([result.value.job]);
      return { ok: true, value: result.value.job };
    },
    dispose() {
      for (const off of offs) off();
    },
  };
}

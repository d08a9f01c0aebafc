/**
 * Jobs with progress. Progress is a latest-value stream: each update replaces the last, goes live
 * to the user's connections as a `job` frame, and a connection that subscribes (or resubscribes)
 * to the user's stream gets the current state at once, not every step it missed. The end of a
 * job is different: it is appended to the user's durable stream as a `job.done` or `job.failed`
 * event, so it is never lost, and resumes by cursor like any message.
 */
import type { JobView } from '../../shared/api.js';
import type { JobFrame } from '../../shared/protocol.js';
import { eventBody } from '../hub/frames.js';
import type { Hub } from '../hub/hub.js';
import { randomId } from '../ids.js';
import type { Job, LogEntry, Storage } from '../storage/storage.js';

/** Jobs finished longer ago than this are no longer sent on subscribe. */
const SNAPSHOT_WINDOW_MS = 24 * 60 * 60 * 1000;
const SNAPSHOT_LIMIT = 20;

export const jobView = (job: Job): JobView => {
  const view: JobView = {
    id: job.id,
    title: job.title,
    status: job.status,
    percent: job.percent,
    message: job.message,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
  };
  if (job.result !== null) view.result = job.result;
  if (job.error !== null) view.error = job.error;
  return view;
};

export type JobOutcome =
  | { status: 'ok'; job: Job; event?: LogEntry }
  | { status: 'not_found' }
  /** The job already finished (differently, for `finish`); it is returned as it is. */
  | { status: 'finished'; job: Job };

export interface Jobs {
  create(userId: string, title: string): Promise<Job>;
  progress(id: string, percent: number, message: string): Promise<JobOutcome>;
  finish(id: string, end: { result: unknown; message?: string } | { error: string }): Promise<JobOutcome>;
  /** The `job` frames a subscriber to `user:<id>` gets at once: running and recent jobs. */
  snapshot(userId: string): Promise<JobFrame[]>;
}

export function createJobs(deps: { storage: Storage; hub: Hub }): Jobs {
  const { storage, hub } = deps;
  const announce = (job: Job) => hub.toUser(job.userId, { type: 'job', ...jobView(job) });

  return {
    async create(userId, title) {
      const job = await storage.createJob({ id: randomId(12), userId, title });
      announce(job);
      return job;
    },

    async progress(id, percent, message) {
      const before = await storage.jobById(id);
      if (!before) return { status: 'not_found' };
      if (before.status !== 'running') return { status: 'finished', job: before };
      const job = (await storage.updateJob(id, { percent, message })) as Job;
      if (job.status !== 'running') return { status: 'finished', job };
      announce(job);
      return { status: 'ok', job };
    },

    async finish(id, end) {
      const before = await storage.jobById(id);
      if (!before) return { status: 'not_found' };
      const failed = 'error' in end;
      const data = failed
        ? { jobId: id, title: before.title, error: end.error }
        : { jobId: id, title: before.title, result: end.result };
      // NOTE: the end event goes into the log first, keyed by the job's id, so a finish that is
      // retried (after a crash between the two writes, say) stores it once and completes the job.
      const appended = await hub.commit({
        stream: `user:${before.userId}`,
        senderId: 'system:jobs',
        senderName: 'jobs',
        clientMsgId: `job_${id}`,
        kind: 'event',
        body: eventBody(failed ? 'job.failed' : 'job.done', data),
      });
      if (appended.status === 'conflict') return { status: 'finished', job: before };
      const job = (await storage.updateJob(
        id,
        failed
          ? { status: 'failed', error: end.error }
          : {
              status: 'done',
              percent: 100,
              result: end.result ?? null,
              message: end.message ?? before.message,
            },
      )) as Job;
      announce(job);
      return { status: 'ok', job, event: appended.entry };
    },

    async snapshot(userId) {
      const jobs = await storage.listJobs(userId, Date.now() - SNAPSHOT_WINDOW_MS, SNAPSHOT_LIMIT);
      return jobs.map((job) => ({ type: 'job', ...jobView(job) }));
    },
  };
}

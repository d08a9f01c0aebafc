/**
 * Jobs: backends create and update them with an API key (scope `jobs`); the signed-in user lists
 * theirs, starts the download demo and fetches its file.
 */
import { readFile } from 'node:fs/promises';
import { Hono, type MiddlewareHandler } from 'hono';
import { CreateJobBody, JobDoneBody, JobProgressBody } from '../../shared/api.js';
import { type DownloadDemoOptions, downloadFile, startDownloadDemo } from '../push/download-demo.js';
import { type JobOutcome, jobView } from '../push/jobs.js';
import { scopeAllowsJobs } from '../push/scopes.js';
import type { Storage } from '../storage/storage.js';
import { type AppEnv, apiError, readJson, userOf } from './env.js';

const JOB_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface JobRouteDeps {
  storage: Storage;
  demo: DownloadDemoOptions;
  /** The API-key guard (requireApiKey). */
  apiKey: MiddlewareHandler<AppEnv>;
}

export function jobRoutes(deps: JobRouteDeps): Hono<AppEnv> {
  const { storage, demo, apiKey } = deps;
  const { jobs } = demo;
  const app = new Hono<AppEnv>();

  const needJobsScope: MiddlewareHandler<AppEnv> = async (c, next) => {
    const key = c.get('apiKey');
    if (!key || !scopeAllowsJobs(key.scopes)) {
      return apiError(c, 403, 'forbidden', 'this key may not manage jobs; give it the "jobs" scope');
    }
    if (c.req.param('id') !== undefined && !JOB_ID.test(c.req.param('id') as string)) {
      return apiError(c, 404, 'not_found', 'no such job');
    }
    await next();
  };

  const answer = (c: Parameters<MiddlewareHandler<AppEnv>>[0], outcome: JobOutcome) => {
    if (outcome.status === 'not_found') return apiError(c, 404, 'not_found', 'no such job');
    if (outcome.status === 'finished') {
      return apiError(
        c,
        409,
        'invalid_request',
        `the job already ended (${outcome.job.status}); it cannot change`,
      );
    }
    const event = outcome.event ? { id: outcome.event.id, seq: outcome.event.seq } : undefined;
    return c.json(event ? { job: jobView(outcome.job), event } : { job: jobView(outcome.job) });
  };

  app.post('/jobs', apiKey, needJobsScope, async (c) => {
    const body = await readJson(c, CreateJobBody);
    if (!body.ok) return body.response;
    if (!(await storage.userById(body.value.user)))
      return apiError(c, 404, 'not_found', `no user ${body.value.user}`);
    const job = await jobs.create(body.value.user, body.value.title);
    return c.json({ job: jobView(job) }, 201);
  });

  app.post('/jobs/:id/progress', apiKey, needJobsScope, async (c) => {
    const body = await readJson(c, JobProgressBody);
    if (!body.ok) return body.response;
    return answer(c, await jobs.progress(c.req.param('id'), body.value.percent, body.value.message));
  });

  app.post('/jobs/:id/done', apiKey, needJobsScope, async (c) => {
    const body = await readJson(c, JobDoneBody);
    if (!body.ok) return body.response;
    return answer(c, await jobs.finish(c.req.param('id'), body.value));
  });

  const signedIn: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (!c.get('auth')) return apiError(c, 401, 'unauthorized', 'sign in first');
    await next();
  };

  app.get('/jobs', signedIn, async (c) => {
    const list = await storage.listJobs(userOf(c).id, Date.now() - 24 * 60 * 60 * 1000, 50);
    return c.json({ jobs: list.map(jobView) });
  });

  app.post('/demo/download', signedIn, async (c) => {
    const job = await startDownloadDemo(demo, userOf(c).id);
    return c.json({ job: jobView(job) }, 202);
  });

  app.get('/downloads/:id', signedIn, async (c) => {
    const id = c.req.param('id');
    const job = JOB_ID.test(id) ? await storage.jobById(id) : null;
    // Someone else's file answers exactly as a missing one: no hint that it exists.
    if (!job || job.userId !== userOf(c).id || job.status !== 'done') {
      return apiError(c, 404, 'not_found', 'no such download');
    }
    const file = await readFile(downloadFile(demo.dir, id)).catch(() => null);
    if (!file) return apiError(c, 404, 'not_found', 'the file is gone');
    return c.body(file, 200, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Disposition': 'attachment; filename="switchboard-demo.txt"',
    });
  });

  return app;
}

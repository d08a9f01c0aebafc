/**
 * The "Start download" demo: a job that builds a file in steps on the server and reports its
 * progress through the same jobs service the HTTP API uses, ending with "下载完成" ("download
 * complete") and a link to the file.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorText, type Logger } from '../log.js';
import type { Job } from '../storage/storage.js';
import type { Jobs } from './jobs.js';

export const DOWNLOAD_STEPS = 10;

export interface DownloadDemoOptions {
  jobs: Jobs;
  /** Where finished files go (`<dataDir>/downloads`). */
  dir: string;
  log: Logger;
  /** Pause between steps; the demo is meant to be watched. */
  stepMs?: number;
}

export const downloadFile = (dir: string, jobId: string): string => join(dir, `${jobId}.txt`);

export async function startDownloadDemo(options: DownloadDemoOptions, userId: string): Promise<Job> {
  const { jobs, dir, log } = options;
  const job = await jobs.create(userId, 'switchboard-demo.txt');
  const stepMs = options.stepMs ?? 600;
  void (async () => {
    const lines: string[] = [];
    for (let step = 1; step <= DOWNLOAD_STEPS; step++) {
      await new Promise((resolve) => setTimeout(resolve, stepMs));
      for (let i = 0; i < 100; i++)
        lines.push(`part ${step}, line ${i + 1}: the quick brown fox jumps over the lazy dog`);
      if (step < DOWNLOAD_STEPS) {
        await jobs.progress(
          job.id,
          (step / DOWNLOAD_STEPS) * 100,
          `building part ${step} of ${DOWNLOAD_STEPS}`,
        );
      }
    }
    await mkdir(dir, { recursive: true });
    const file = downloadFile(dir, job.id);
    await writeFile(file, `${lines.join('\n')}\n`);
    await jobs.finish(job.id, {
      result: {
        url: `/api/downloads/${job.id}`,
        name: 'switchboard-demo.txt',
        bytes: lines.join('\n').length + 1,
      },
      message: '下载完成',
    });
  })().catch(async (err) => {
    log.error('demo.download_failed', { job: job.id, error: errorText(err) });
    await jobs.finish(job.id, { error: 'the demo could not build the file' }).catch(() => {});
  });
  return job;
}

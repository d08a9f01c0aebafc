/**
 * The SPA's pieces behind pushed events, jobs and API keys, without a browser: merging events
 * into a room's log, the one-line summary of an event, which state of a job wins, the download a
 * job offers, the jobs model over a fake client, and the key form's helpers.
 */
import { describe, expect, it } from 'vitest';
import type { JobView } from '../../shared/api.js';
import type { EventFrame, JobFrame, LogFrame, MsgFrame } from '../../shared/protocol.js';
import { curlExample, scopesOf } from '../../web/app/admin/models/keys.js';
import type { Api } from '../../web/app/common/api.js';
import { eventSummary } from '../../web/app/common/format.js';
import { mergeBySeq } from '../../web/app/common/models/history.js';
import { parseRoute } from '../../web/app/common/models/router.js';
import { createJobs, jobDownload, jobFromEvent, newerJob } from '../../web/app/jobs/models/jobs.js';
import type { SwitchboardClient } from '../../web/client/index.js';

const msg = (seq: number, text = `m${seq}`): MsgFrame => ({
  type: 'msg',
  stream: 'room:r',
  seq,
  id: `id${seq}`,
  ts: seq,
  from: { id: 'u', name: 'u' },
  clientMsgId: `c${seq}`,
  text,
});
const event = (seq: number, name: string, data: unknown, stream = 'room:r'): EventFrame => ({
  type: 'event',
  stream,
  seq,
  id: `e${seq}`,
  ts: 1000 + seq,
  event: name,
  data,
});
const job = (over: Partial<JobView> = {}): JobView => ({
  id: 'j1',
  title: 'switchboard-demo.txt',
  status: 'running',
  percent: 0,
  message: '',
  // A job's start defaults to its update time: the tests order jobs by the times they give.
  createdAt: over.updatedAt ?? 100,
  updatedAt: 100,
  ...over,
});

describe('a room log with pushed events', () => {
  it('keeps one entry per seq, messages and events in one order', () => {
    const held: LogFrame[] = [msg(1), event(2, 'deploy.started', null), msg(3)];
    const merged = mergeBySeq(held, [
      event(2, 'deploy.started', null),
      event(4, 'deploy.finished', {}),
      msg(5),
    ]);
    expect(merged.map((e) => `${e.type}:${e.seq}`)).toEqual([
      'msg:1',
      'event:2',
      'msg:3',
      'event:4',
      'msg:5',
    ]);
  });

  it('puts an older page with events before what is held', () => {
    const merged = mergeBySeq<LogFrame>([msg(10)], [event(8, 'a', 1), msg(9)]);
    expect(merged.map((e) => e.seq)).toEqual([8, 9, 10]);
  });
});

describe('the summary of an event', () => {
  it('shows data as JSON on one line, and a string as it is', () => {
    expect(eventSummary({ version: '1.2.3' })).toBe('{"version":"1.2.3"}');
    expect(eventSummary('line one\n\n  line two')).toBe('line one line two');
    expect(eventSummary([1, 2])).toBe('[1,2]');
    expect(eventSummary(0)).toBe('0');
    expect(eventSummary(false)).toBe('false');
  });

  it('is empty for no data', () => {
    expect(eventSummary(null)).toBe('');
    expect(eventSummary(undefined)).toBe('');
  });

  it('cuts at 200 characters with an ellipsis, never inside an emoji', () => {
    const long = eventSummary({ text: 'x'.repeat(500) });
    expect(Array.from(long)).toHaveLength(200);
    expect(long.endsWith('…')).toBe(true);
    const emoji = eventSummary('🚀'.repeat(300));
    expect(Array.from(emoji)).toHaveLength(200);
    expect(emoji.slice(0, -1)).toBe('🚀'.repeat(199));
  });

  it('keeps markup as characters (it is rendered as text)', () => {
    expect(eventSummary({ note: '<img src=x onerror=alert(1)>' })).toBe(
      '{"note":"<img src=x onerror=alert(1)>"}',
    );
  });
});

describe('which state of a job wins', () => {
  it('takes the newer update while it runs', () => {
    const older = job({ percent: 30, updatedAt: 100 });
    const newer = job({ percent: 40, updatedAt: 200 });
    expect(newerJob(older, newer)).toBe(newer);
    expect(newerJob(newer, older)).toBe(newer);
  });

  it('never goes back to running once it ended, whatever the clocks say', () => {
    const done = job({ status: 'done', percent: 100, updatedAt: 100 });
    const lateProgress = job({ percent: 90, updatedAt: 500 });
    expect(newerJob(done, lateProgress)).toBe(done);
    expect(newerJob(lateProgress, done)).toBe(done);
  });

  it('reads the end from a job.done or job.failed event, and nothing else', () => {
    const held = job({ percent: 90, message: 'building part 9 of 10' });
    const done = jobFromEvent(
      event(7, 'job.done', { jobId: 'j1', title: 'switchboard-demo.txt', result: { url: '/x' } }, 'user:u'),
      () => held,
    );
    expect(done).toMatchObject({
      id: 'j1',
      status: 'done',
      percent: 100,
      result: { url: '/x' },
      updatedAt: 1007,
    });
    const failed = jobFromEvent(event(8, 'job.failed', { jobId: 'j2', title: 't', error: 'disk full' }));
    expect(failed).toMatchObject({ id: 'j2', status: 'failed', error: 'disk full' });
    expect(jobFromEvent(event(9, 'build.finished', { jobId: 'j1' }))).toBeNull();
    expect(jobFromEvent(event(9, 'job.done', 'not an object'))).toBeNull();
    expect(jobFromEvent(event(9, 'job.done', { jobId: 42 }))).toBeNull();
  });
});

describe('the download a finished job offers', () => {
  const origin = 'https://chat.example.com';

  it('resolves the server-relative URL, with the name and size the job gave', () => {
    const done = job({
      status: 'done',
      result: { url: '/api/downloads/j1', name: 'switchboard-demo.txt', bytes: 61_000 },
    });
    expect(jobDownload(done, origin)).toEqual({
      href: 'https://chat.example.com/api/downloads/j1',
      name: 'switchboard-demo.txt',
      bytes: 61_000,
    });
  });

  it('names the file after the URL when the job did not', () => {
    const done = job({ status: 'done', result: { url: 'https://files.example.com/out/report%201.csv' } });
    expect(jobDownload(done, origin)).toMatchObject({ name: 'report 1.csv', bytes: null });
  });

  it('links nothing but http(s), and nothing for a running job or a result without a URL', () => {
    expect(jobDownload(job({ status: 'done', result: { url: 'javascript:alert(1)' } }), origin)).toBeNull();
    expect(jobDownload(job({ status: 'done', result: { url: 'data:text/html,hi' } }), origin)).toBeNull();
    expect(jobDownload(job({ status: 'done', result: { rows: 3 } }), origin)).toBeNull();
    expect(jobDownload(job({ status: 'running', result: { url: '/x' } }), origin)).toBeNull();
  });
});

function fakeClient() {
  const listeners = new Map<string, Set<(value: unknown) => void>>();
  return {
    on(name: string, listener: (value: unknown) => void) {
      let set = listeners.get(name);
      if (!set) {
        set = new Set();
        listeners.set(name, set);
      }
      set.add(listener);
      return () => set.delete(listener);
    },
    emit(name: string, value: unknown) {
      for (const listener of listeners.get(name) ?? []) listener(value);
    },
  };
}

const frame = (view: JobView): JobFrame => ({ type: 'job', ...view });

describe('the jobs model', () => {
  const setup = (list: JobView[] = []) => {
    const client = fakeClient();
    const api = {
      jobs: async () => ({ ok: true, value: { jobs: list } }),
      startDownload: async () => ({ ok: true, value: { job: job({ id: 'new', updatedAt: 900 }) } }),
    } as unknown as Api;
    const jobs = createJobs({ api, client: client as unknown as SwitchboardClient, userId: 'u' });
    return { client, jobs };
  };

  it('shows the snapshot after subscribing at once, then follows live frames', () => {
    const { client, jobs } = setup();
    client.emit('job', frame(job({ id: 'a', percent: 40, updatedAt: 100 })));
    expect(jobs.list.value.map((j) => [j.id, j.percent])).toEqual([['a', 40]]);
    expect(jobs.running.value).toHaveLength(1);
    client.emit('job', frame(job({ id: 'a', percent: 50, updatedAt: 200 })));
    client.emit('job', frame(job({ id: 'a', percent: 45, updatedAt: 150 }))); // late and stale
    expect(jobs.list.value[0]?.percent).toBe(50);
  });

  it('ends a job from the durable event in the user stream, and ignores other streams', () => {
    const { client, jobs } = setup();
    client.emit('job', frame(job({ id: 'a', percent: 90, updatedAt: 100 })));
    client.emit(
      'event',
      event(3, 'job.done', { jobId: 'a', title: 't', result: { url: '/f' } }, 'user:someone-else'),
    );
    expect(jobs.list.value[0]?.status).toBe('running');
    client.emit('event', event(3, 'job.done', { jobId: 'a', title: 't', result: { url: '/f' } }, 'user:u'));
    expect(jobs.list.value[0]).toMatchObject({ status: 'done', percent: 100 });
    expect(jobs.running.value).toHaveLength(0);
  });

  it('lists the newest job first, and a job keeps its place while it updates', async () => {
    const { client, jobs } = setup([job({ id: 'old', status: 'done', updatedAt: 10 })]);
    client.emit('job', frame(job({ id: 'b', updatedAt: 300 })));
    client.emit('job', frame(job({ id: 'c', updatedAt: 400 })));
    client.emit('job', frame(job({ id: 'b', percent: 60, updatedAt: 500 })));
    await jobs.refresh();
    expect(jobs.list.value.map((j) => j.id)).toEqual(['c', 'b', 'old']);
    const started = await jobs.startDownload();
    expect(started.ok).toBe(true);
    expect(jobs.list.value.map((j) => j.id)).toEqual(['new', 'c', 'b', 'old']);
  });

  it('stops listening when disposed', () => {
    const { client, jobs } = setup();
    jobs.dispose();
    client.emit('job', frame(job()));
    expect(jobs.list.value).toEqual([]);
  });
});

describe('the API key form', () => {
  it('takes ticked scopes, then typed ones split on spaces and commas, each once', () => {
    expect(scopesOf(['room:*'], ' room:general, jobs  room:* ,')).toEqual(['room:*', 'room:general', 'jobs']);
    expect(scopesOf([], '')).toEqual([]);
  });

  it('writes a curl example with the key as a placeholder, for what the key may reach', () => {
    const room = curlExample('https://chat.example.com', ['room:*'], 'me');
    expect(room).toContain('curl -X POST https://chat.example.com/api/push');
    expect(room).toContain('Authorization: Bearer $SWITCHBOARD_KEY');
    expect(room).toContain('"target":{"room":"general"}');
    expect(curlExample('', ['user:*', 'topic:deploys'], 'me')).toContain('"target":{"topic":"deploys"}');
    expect(curlExample('', ['user:*'], 'me')).toContain('"target":{"user":"me"}');
    const jobsOnly = curlExample('', ['jobs'], 'me');
    expect(jobsOnly).toContain('/api/jobs');
    expect(jobsOnly).toContain('"user":"me"');
  });
});

describe('the pages', () => {
  it('routes /jobs and /admin/keys', () => {
    expect(parseRoute('/jobs')).toEqual({ name: 'jobs' });
    expect(parseRoute('/jobs/')).toEqual({ name: 'jobs' });
    expect(parseRoute('/admin/keys')).toEqual({ name: 'keys' });
    expect(parseRoute('/admin')).toEqual({ name: 'home' });
    expect(parseRoute('/')).toEqual({ name: 'home' });
  });
});

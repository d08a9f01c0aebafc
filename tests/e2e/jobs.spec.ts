import { adminApiKey, expect, register, test, uniqueName } from './support.js';

test('the download demo fills its bar live and ends with a link to the file', async ({ page }) => {
  await register(page, uniqueName('jobs'));

  // The way in is a link in the top bar, and it works from the keyboard.
  const jobsLink = page.getByRole('banner').getByRole('link', { name: /^Jobs/ });
  await jobsLink.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Jobs');
  await expect(page.getByText('No jobs in the last 24 hours.')).toBeVisible();

  await page.getByRole('button', { name: 'Start download' }).click();
  const job = page.locator('.job');
  const bar = job.getByRole('progressbar', { name: 'switchboard-demo.txt' });
  await expect(job).toHaveCount(1);
  await expect(job.locator('.job-title')).toHaveText('switchboard-demo.txt');
  // While it runs, the top bar says so (with the percent of the one running job).
  await expect(jobsLink.locator('.job-pill')).toContainText('%');
  await expect(jobsLink).toHaveAccessibleName(/Jobs.*1 job running/);

  // Live: the bar moves through at least two values above zero without anything being clicked.
  // (Counted until two are seen, not up to a fixed percent: on a busy machine the first look may
  // come when the bar is already at 20.)
  const seen = new Set<number>();
  await expect
    .poll(
      async () => {
        const value = await bar.evaluate((el: HTMLProgressElement) => el.value);
        if (value > 0) seen.add(value);
        return seen.size;
      },
      { intervals: [50], timeout: 10_000 },
    )
    .toBeGreaterThanOrEqual(2);
  await expect(job.locator('.job-message')).toContainText(/building part \d+ of 10/);

  // The end: the catalog's words, not the server's message, and a link that serves the file.
  await expect(job.locator('.job-state')).toHaveText('Download complete', { timeout: 15_000 });
  await expect(bar).toHaveJSProperty('value', 100);
  await expect(job.locator('.job-percent')).toHaveText('100%');
  await expect(jobsLink.locator('.job-pill')).toHaveCount(0);
  const link = job.getByRole('link', { name: /^Download switchboard-demo\.txt/ });
  const href = await link.getAttribute('href');
  expect(href).toMatch(/\/api\/downloads\/[A-Za-z0-9_-]+$/);
  const file = await page.request.get(href as string);
  expect(file.status()).toBe(200);
  expect(await file.text()).toContain('part 10, line 100');

  await page.getByLabel('Language').selectOption('zh-CN');
  await expect(job.locator('.job-state')).toHaveText('下载完成');
  await expect(job.getByRole('link', { name: /^下载 switchboard-demo\.txt/ })).toBeVisible();
});

test('a job reloaded mid-run is where it was (from the snapshot), and its end still arrives', async ({
  page,
  baseURL,
}) => {
  // NOTE: the job is driven by the test through the push API, as a backend would, so it is
  // certainly mid-run at the reload however slow the machine is (the demo runs on its own clock).
  // The first value any job bar shows, taken the moment the bar is put in the page.
  await page.addInitScript(() => {
    const w = window as unknown as { firstJobValue?: number };
    new MutationObserver(() => {
      const bar = document.querySelector<HTMLProgressElement>('progress.job-progress');
      if (bar && w.firstJobValue === undefined) w.firstJobValue = bar.value;
    }).observe(document, { childList: true, subtree: true });
  });
  await register(page, uniqueName('jobs'));
  const me = ((await (await page.request.get('/api/me')).json()) as { user: { id: string } }).user;
  const key = await adminApiKey(baseURL as string, ['jobs']);
  const call = async (path: string, data: unknown) => {
    const res = await page.request.post(path, {
      // page.request carries the page's session cookie: as a browser would, it names the origin.
      headers: { authorization: `Bearer ${key}`, origin: baseURL as string },
      data,
    });
    expect(res.status(), path).toBeLessThan(300);
    return (await res.json()) as { job: { id: string } };
  };
  await page.goto('/jobs');
  await expect(page.getByText('No jobs in the last 24 hours.')).toBeVisible();
  const { job: made } = await call('/api/jobs', { user: me.id, title: 'report.csv' });
  await call(`/api/jobs/${made.id}/progress`, { percent: 40, message: 'exporting rows' });
  const job = page.locator('.job');
  const bar = job.getByRole('progressbar', { name: 'report.csv' });
  await expect(bar).toHaveJSProperty('value', 40);
  await expect(job.locator('.job-message')).toHaveText('exporting rows');

  // The reload, where the bar can only come from the snapshot: GET /api/jobs answers an empty
  // list, and of the socket's `job` frames only the snapshot reaches the page: the first run of
  // them after `subscribed` for the user's stream (sent back to back; another stream's frames may
  // come between). Live ones, which go to every tab of the user, are dropped. The end still
  // arrives, as the durable job.done event in the user's stream.
  await page.route('**/api/jobs', (route) => route.fulfill({ json: { jobs: [] } }));
  let snapshotFrames = 0;
  await page.routeWebSocket('**/ws', (ws) => {
    const server = ws.connectToServer();
    let phase: 'before' | 'waiting' | 'snapshot' | 'after' = 'before';
    ws.onMessage((message) => server.send(message));
    server.onMessage((message) => {
      const frame = JSON.parse(String(message)) as { type: string; stream?: string };
      if (frame.type === 'job') {
        if (phase === 'waiting' || phase === 'snapshot') {
          phase = 'snapshot';
          snapshotFrames++;
          ws.send(message);
        }
        return;
      }
      if (phase === 'snapshot') phase = 'after';
      if (phase === 'before' && frame.type === 'subscribed' && frame.stream?.startsWith('user:')) {
        phase = 'waiting';
      }
      ws.send(message);
    });
  });
  await page.reload();
  await expect(bar).toBeVisible();
  const first = await page.evaluate(() => (window as unknown as { firstJobValue?: number }).firstJobValue);
  expect(first, 'the first value shown after the reload').toBe(40);
  expect(snapshotFrames).toBeGreaterThanOrEqual(1);
  await expect(job.locator('.job-message')).toHaveText('exporting rows');

  await call(`/api/jobs/${made.id}/done`, { result: { rows: 1200 } });
  await expect(job.locator('.job-state')).toHaveText('Done');
  await expect(bar).toHaveJSProperty('value', 100);
  await expect(job.locator('.job-percent')).toHaveText('100%');
});

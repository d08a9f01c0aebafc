/**
 * The Transport lab page: reachable from the header by keyboard, a short run from the address,
 * then the same numbers as bars and as a table, with the orderings the article claims.
 */
import { expect, register, test, uniqueName } from './support.js';

test('a short lab run shows progress, then three result rows in which polling costs more than WebSocket', async ({
  page,
}) => {
  await register(page, uniqueName('lab'));
  const link = page.getByRole('link', { name: 'Transport lab' });
  await link.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/lab$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Transport lab');
  await expect(link).toHaveAttribute('aria-current', 'page');
  await expect(page.getByText('100 messages at 5 per second, then 60 s idle')).toBeVisible();
  await expect(page.getByText('It takes about 80 s.')).toBeVisible();

  await page.goto('/lab?messages=10&rate=10&idle=3');
  await expect(
    page.getByText('10 messages at 10 per second, then 3 s idle. It takes about 4 s.'),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('button', { name: 'Running…' })).toBeDisabled();
  const lanes = page.locator('.lab-lane');
  await expect(lanes).toHaveCount(3);
  await expect(
    lanes.filter({ hasText: /\d+ of 10 messages delivered|Idle: \d+ s left/ }).first(),
  ).toBeVisible();

  const rows = page.locator('.lab-table tbody tr');
  await expect(rows).toHaveCount(3, { timeout: 20_000 });
  await expect(page.getByRole('button', { name: 'Run again' })).toBeEnabled();
  await expect(lanes.filter({ hasText: 'Done: 10 of 10 delivered' })).toHaveCount(3);

  const value = async (transport: string, metric: string): Promise<number> => {
    const cell = page.locator(`.lab-table tr[data-transport="${transport}"] td[data-metric="${metric}"]`);
    await expect(cell).toHaveAttribute('data-value', /^\d+(\.\d+)?$/);
    return Number(await cell.getAttribute('data-value'));
  };
  for (const transport of ['websocket', 'polling', 'short_polling']) {
    for (const metric of ['bytesPerMessage', 'requests', 'latencyP50', 'latencyP95']) {
      expect(await value(transport, metric), `${transport} ${metric}`).toBeGreaterThan(-1);
    }
    await expect(
      page.locator(`.lab-table tr[data-transport="${transport}"] td[data-metric="latencyP50"]`),
    ).toHaveText(/^\d[\d.,]*\s+ms$/);
  }
  expect(await value('polling', 'bytesPerMessage')).toBeGreaterThan(
    await value('websocket', 'bytesPerMessage'),
  );
  expect(await value('short_polling', 'idleBytesPerMinute')).toBeGreaterThan(
    await value('websocket', 'idleBytesPerMinute'),
  );
  await expect(page.locator('.lab-metric')).toHaveCount(5);
  await expect(page.getByText('the server’s own byte counters')).toBeVisible();

  // At phone width the page does not scroll sideways; the table scrolls in its own box.
  await page.setViewportSize({ width: 360, height: 740 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  const box = page.locator('.table-scroll');
  expect(await box.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
});

test('bad lab parameters are named and the full script is kept', async ({ page }) => {
  await register(page, uniqueName('labbad'));
  await page.goto('/lab?messages=0&rate=fast&idle=3');
  await expect(page.getByRole('alert')).toContainText('Ignored “messages”, “rate” in the address');
  await expect(page.getByText('100 messages at 5 per second, then 3 s idle')).toBeVisible();
});

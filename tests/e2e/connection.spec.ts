import { connection, expect, register, roomLink, test, uniqueName } from './support.js';

test('the indicator shows online over WebSocket, and the language switch flips the UI and back', async ({
  page,
}) => {
  await register(page, uniqueName('lang'));
  await expect(connection(page)).toContainText('Online');
  await expect(connection(page)).toContainText('WebSocket');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  await page.getByLabel('Language').selectOption('zh-CN');
  await expect(connection(page)).toContainText('在线');
  await expect(connection(page)).toContainText('WebSocket');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('button', { name: '退出登录' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '我的房间' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: '消息' })).toHaveAttribute(
    'placeholder',
    '发送消息到 General',
  );

  // The choice is remembered.
  await page.reload();
  await expect(connection(page)).toContainText('在线');

  await page.getByLabel('语言').selectOption('en');
  await expect(connection(page)).toContainText('Online');
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

test.describe('a Chinese browser', () => {
  test.use({ locale: 'zh-CN' });

  test('gets the Chinese UI on its first visit', async ({ page }) => {
    await page.goto('/login');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('登录');
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.getByLabel('用户名')).toBeVisible();
  });
});

test('a dropped connection counts down to a retry, shows why, and "Retry now" reconnects', async ({
  page,
}) => {
  // Full-jitter backoff picks a random delay; pinned near its ceiling (0.5, 1, 2, 4 s ...) the
  // countdown is long enough to read and to beat with "Retry now".
  await page.addInitScript(() => {
    Math.random = () => 0.99;
  });
  // NOTE: the page's clock runs only when the test moves it, from the drop on: the backoff
  // waits (and the SDK's own open timeouts) cannot run out under a busy machine's delays.
  await page.clock.install();
  let allow = true;
  /** Connection attempts that reached the network: each failed retry makes at least one. */
  let attempts = 0;
  // Set by the route handler once the page's socket is up.
  const link: { drop?: () => Promise<void> } = {};
  // While "down", long-polling (the SDK's fallback) fails as well.
  await page.route('**/api/poll**', (route) => {
    if (!allow) attempts++;
    return allow
      ? route.continue()
      : route.fulfill({
          status: 503,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'internal', message: 'e2e: the server is still down' } }),
        });
  });
  await page.routeWebSocket('**/ws', (ws) => {
    if (!allow) {
      attempts++;
      void ws.close({ code: 1011, reason: 'e2e: the server is still down' });
      return;
    }
    const server = ws.connectToServer();
    link.drop = async () => {
      allow = false;
      await ws.close({ code: 1011, reason: 'e2e: the server went away' });
      server.close();
    };
  });
  await register(page, uniqueName('drop'));
  await expect(connection(page)).toContainText('Online');
  await page.clock.pauseAt(Date.now() + 1000);

  await link.drop?.();
  await expect(connection(page)).toContainText(/Reconnecting in \d+ s/);
  await expect(connection(page)).toContainText(/e2e: the server (went away|is still down)/);
  // Attempts keep failing and the waits grow (1, 1, 2, 4 s shown): each wait is run out on the
  // page's clock, then the test waits for the attempt it starts to fail.
  for (let step = 0; step < 6; step++) {
    const text = (await connection(page).textContent()) ?? '';
    if (text.includes('Reconnecting in 4 s')) break;
    const seconds = Number(/Reconnecting in (\d+) s/.exec(text)?.[1]);
    expect(seconds, `a countdown in "${text}"`).toBeGreaterThan(0);
    const before = attempts;
    await page.clock.runFor(seconds * 1000);
    await expect.poll(() => attempts, 'the next attempt reaches the network').toBeGreaterThan(before);
    await expect(connection(page)).toContainText(/Reconnecting in \d+ s/);
  }
  // At 4 s the clock stands still: all the time in the world to act before the next attempt.
  await expect(connection(page)).toContainText('Reconnecting in 4 s');
  await expect(connection(page)).toContainText('e2e: the server is still down');

  allow = true;
  await connection(page).getByRole('button', { name: 'Retry now' }).click();
  await expect(connection(page)).toContainText('Online');
  await expect(connection(page)).toContainText('WebSocket');
});

test('signing out in another tab takes this one offline, with the reason and a way back', async ({
  page,
  context,
}) => {
  await register(page, uniqueName('twotabs'));
  const other = await context.newPage();
  await other.goto('/');
  await expect(roomLink(other, 'General')).toBeVisible();
  await other.getByRole('button', { name: 'Sign out' }).click();
  await expect(other.getByRole('heading', { level: 1 })).toHaveText('Sign in');

  await expect(connection(page)).toContainText('Offline');
  await expect(connection(page)).toContainText('the session was signed out');
  await connection(page).getByRole('button', { name: 'Sign in again' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
  await expect(page.getByRole('alert')).toHaveText(
    'You were signed out (on this or another device). Sign in again to continue.',
  );
});

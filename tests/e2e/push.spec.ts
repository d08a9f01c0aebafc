import {
  adminApiKey,
  connection,
  createRoom,
  eventLines,
  expect,
  pushEvent,
  register,
  roomLink,
  signInAsAdmin,
  test,
  uniqueName,
  unreadBadge,
} from './support.js';

// NOTE: the events go to rooms made by each test, never to General: other tests, running in
// parallel, count on General being quiet (unread counts, the page title).

test('an admin makes a room:* key, shown once; its push shows live in a room as text and counts as unread; revoked, it gets 401', async ({
  page,
  context,
  newContext,
  request,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signInAsAdmin(page);
  await page.getByRole('link', { name: 'API keys' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('API keys');

  // A bad typed scope is refused in the server's words.
  const name = uniqueName('deploys-');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Specific scopes (optional)').fill('rooms:general');
  await page.getByRole('button', { name: 'Create key' }).click();
  await expect(page.getByRole('alert')).toContainText('a scope is user:*, user:<id>, room:*');

  await page.getByLabel('Specific scopes (optional)').fill('');
  await page.getByRole('checkbox', { name: /room:\*/ }).check();
  await page.getByRole('button', { name: 'Create key' }).click();
  const tokenField = page.getByRole('textbox', { name: 'The key' });
  await expect(tokenField).toHaveValue(/^sb_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  await expect(tokenField).toHaveAttribute('readonly', '');
  const token = await tokenField.inputValue();
  await expect(page.getByText('It will not be shown again')).toBeVisible();
  await page.getByRole('button', { name: 'Copy' }).click();
  await expect(page.getByText('Copied to the clipboard.')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  // The example uses a placeholder, never the key itself.
  const example = page.getByRole('region', { name: 'A curl example' });
  await expect(example).toContainText('Authorization: Bearer $SWITCHBOARD_KEY');
  await expect(example).toContainText('"target":{"room":"general"}');
  expect(await example.textContent()).not.toContain(token);

  await page.getByRole('button', { name: 'I have copied it' }).click();
  await expect(tokenField).toHaveCount(0);
  const item = page.locator('.key').filter({ has: page.locator('.key-name', { hasText: name }) });
  await expect(item.locator('.scope-list')).toHaveText('room:*');
  await expect(item.locator('.key-status')).toHaveText('Active');
  await expect(item.locator('.key-meta')).toContainText('Never used');
  // Once means once: after a reload the secret is nowhere in the page.
  await page.reload();
  await expect(item).toBeVisible();
  expect(await page.content()).not.toContain(token.slice(20));

  // A normal user, in a room of their own, sees the event appear.
  const userPage = await (await newContext()).newPage();
  await register(userPage, uniqueName('watcher'));
  await expect(userPage.getByRole('link', { name: 'API keys' })).toHaveCount(0);
  const title = `Deploys ${uniqueName('')}`;
  const roomId = await createRoom(userPage, title);
  const hostile = '<img src=x onerror=alert(1)>';
  const pushed = await pushEvent(request, token, {
    target: { room: roomId },
    event: 'deploy.finished',
    data: { version: '1.2.3', note: hostile },
  });
  expect(pushed.status()).toBe(202);
  const lines = eventLines(userPage);
  await expect(lines).toHaveCount(1);
  await expect(lines.locator('.event-name')).toHaveText('deploy.finished');
  await expect(lines.locator('.event-data')).toHaveText(`{"version":"1.2.3","note":"${hostile}"}`);
  await expect(userPage.locator('.event-line img')).toHaveCount(0);

  // In a room not on screen, an event counts as unread, like a message.
  await roomLink(userPage, 'General').click();
  await expect(userPage.getByRole('heading', { level: 1 })).toHaveText('General');
  expect(
    (
      await pushEvent(request, token, { target: { room: roomId }, event: 'deploy.started', data: null })
    ).status(),
  ).toBe(202);
  await expect(unreadBadge(userPage, title)).toHaveText('1');
  await roomLink(userPage, title).click();
  await expect(lines.locator('.event-name')).toHaveText(['deploy.finished', 'deploy.started']);
  await expect(unreadBadge(userPage, title)).toHaveCount(0);

  // Revoking asks in the page first; Cancel is where focus lands.
  await item.getByRole('button', { name: `Revoke ${name}` }).click();
  await expect(item.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(item.getByRole('button', { name: `Revoke ${name}` })).toBeFocused();
  await item.getByRole('button', { name: `Revoke ${name}` }).click();
  await item.getByRole('button', { name: 'Yes, revoke' }).click();
  await expect(item.locator('.key-status')).toContainText('Revoked');
  await expect(item.locator('.key-meta')).toContainText('Last used');
  const refused = await pushEvent(request, token, {
    target: { room: roomId },
    event: 'deploy.finished',
    data: { version: '1.2.5' },
  });
  expect(refused.status()).toBe(401);
  expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('revoked');
});

test('anyone but an admin sees no API keys link, and the page says who may use it', async ({ page }) => {
  await register(page, uniqueName('plain'));
  await expect(page.getByRole('link', { name: 'API keys' })).toHaveCount(0);
  await page.goto('/admin/keys');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('API keys');
  await expect(page.getByText('Only an admin may manage API keys.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create key' })).toHaveCount(0);
  expect((await page.request.get('/api/admin/keys')).status()).toBe(403);
});

test('an event pushed while the tab is offline shows once it reconnects, and only once', async ({
  page,
  request,
  baseURL,
}) => {
  const token = await adminApiKey(baseURL as string, ['room:*']);
  // NOTE: from the drop on, the page's clock stands still: no backoff wait runs out by itself, so
  // the tab is certainly offline while the event is pushed, and "Retry now" is there to click.
  await page.clock.install();
  let allow = true;
  const link: { drop?: () => Promise<void> } = {};
  // While "down", long-polling (the SDK's fallback) fails as well.
  await page.route('**/api/poll**', (route) =>
    allow
      ? route.continue()
      : route.fulfill({
          status: 503,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'internal', message: 'e2e: the network is down' } }),
        }),
  );
  await page.routeWebSocket('**/ws', (ws) => {
    if (!allow) {
      void ws.close({ code: 1011, reason: 'e2e: the network is down' });
      return;
    }
    const server = ws.connectToServer();
    link.drop = async () => {
      allow = false;
      await ws.close({ code: 1011, reason: 'e2e: the network went away' });
      server.close();
    };
  });
  await register(page, uniqueName('offline'));
  const title = `Builds ${uniqueName('')}`;
  const roomId = await createRoom(page, title);
  await page.clock.pauseAt(Date.now() + 1000);

  await link.drop?.();
  await expect(connection(page)).toContainText('Reconnecting');
  const pushed = await pushEvent(request, token, {
    target: { room: roomId },
    event: 'build.finished',
    data: { build: 4711, ok: true },
  });
  expect(pushed.status()).toBe(202);
  await expect(eventLines(page)).toHaveCount(0);

  allow = true;
  await connection(page).getByRole('button', { name: 'Retry now' }).click();
  await expect(connection(page)).toContainText('Online');
  await expect(eventLines(page)).toHaveCount(1);
  await expect(eventLines(page).locator('.event-name')).toHaveText('build.finished');
  await expect(eventLines(page).locator('.event-data')).toHaveText('{"build":4711,"ok":true}');

  // History holds it too, once.
  await page.reload();
  await expect(eventLines(page)).toHaveCount(1);
});

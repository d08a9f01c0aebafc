/**
 * The agent console, end to end: a visitor simulated in Node (the widget's HTTP API and socket,
 * from the customer site's origin) and an agent in the browser.
 */
import {
  agentConsole,
  consoleRegion,
  createSite,
  noteBox,
  queueItem,
  replyBox,
  timeline,
  Visitor,
  XSS,
} from './console-support.js';
import { connection, expect, test, uniqueName } from './support.js';

/** Counts the tones the page starts (two per chime), and fakes Notification and a hidden tab. */
async function instrument(page: import('@playwright/test').Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as {
      sbTones: number;
      sbNotes: { title: string; body: string }[];
      sbAsked: number;
      sbHidden: boolean;
    };
    w.sbTones = 0;
    w.sbNotes = [];
    w.sbAsked = 0;
    w.sbHidden = false;
    const start = AudioScheduledSourceNode.prototype.start;
    AudioScheduledSourceNode.prototype.start = function (this: AudioScheduledSourceNode, ...args) {
      w.sbTones++;
      return start.apply(this, args);
    };
    class FakeNotification {
      static permission: NotificationPermission = 'default';
      static async requestPermission(): Promise<NotificationPermission> {
        w.sbAsked++;
        FakeNotification.permission = 'granted';
        return 'granted';
      }
      onclick: (() => void) | null = null;
      constructor(title: string, options: { body?: string } = {}) {
        w.sbNotes.push({ title, body: options.body ?? '' });
      }
      close(): void {}
    }
    (window as unknown as { Notification: unknown }).Notification = FakeNotification;
    Object.defineProperty(Document.prototype, 'visibilityState', {
      configurable: true,
      get: () => (w.sbHidden ? 'hidden' : 'visible'),
    });
  });
}

const tones = (page: import('@playwright/test').Page) =>
  page.evaluate(() => (window as unknown as { sbTones: number }).sbTones);

test('an agent sees a conversation arrive live, claims it, replies, notes, resolves, and sees it reopen', async ({
  page,
}) => {
  await instrument(page);
  const site = await createSite();
  const agent = await agentConsole(page);
  // A click anywhere lets the page play sound (browsers require a gesture first).
  await consoleRegion(page).getByRole('tab', { name: /Open/ }).click();

  const visitor = await Visitor.create(site);
  const name = uniqueName('Vera ');
  await visitor.page(`http://127.0.0.1:3211/products/42`, 'Blue kettle');
  const id = await visitor.start('Where is my order #42?', { name, email: 'vera@shop.example' });

  // Live in the queue, with an unread badge, the title count and a chime.
  const item = queueItem(page, id);
  await expect(item).toBeVisible();
  await expect(item).toContainText(name);
  await expect(item).toContainText('vera@shop.example');
  await expect(item).toContainText('Where is my order #42?');
  await expect(item).toContainText('Unassigned');
  await expect(item.locator('.badge [aria-hidden="true"]')).toHaveText('1');
  await expect(page).toHaveTitle(/^\(\d+\) Switchboard$/);
  await expect.poll(() => tones(page)).toBeGreaterThan(0);

  // Opening it reads it; the visitor's context is beside it.
  await item.click();
  await expect(page).toHaveURL(new RegExp(`/support/${id}$`));
  await expect(consoleRegion(page).getByRole('heading', { level: 2, name })).toBeVisible();
  await expect(item.locator('.badge')).toHaveCount(0);
  const panel = page.getByRole('complementary', { name: 'Visitor' });
  await expect(panel).toContainText('Firefox 121 on Windows');
  await expect(panel).toContainText('(Asia/Shanghai)');
  await expect(panel.getByRole('link', { name: 'Blue kettle' }).first()).toHaveAttribute(
    'href',
    'http://127.0.0.1:3211/products/42',
  );

  // Claim it.
  await page.getByRole('button', { name: 'Claim' }).click();
  await expect(item).toContainText('Yours');
  await expect(page.getByRole('combobox', { name: 'Assignee' })).toHaveValue(agent.id);
  await expect(page.getByRole('button', { name: 'Claim' })).toHaveCount(0);

  // Reply: the visitor sees the agent typing, then the reply with the agent's name.
  await visitor.connect(id);
  await replyBox(page).fill('It ships today');
  const typing = await visitor.socket?.next('typing', (f) => f.active && f.user.name === agent.name);
  expect(typing?.stream).toBe(`conv:${id}`);
  await replyBox(page).press('Enter');
  const reply = await visitor.message('It ships today');
  expect(reply.from.name).toBe(agent.name);
  await expect(timeline(page).locator('.sm.from-agent .sm-author').last()).toHaveText(agent.name);

  // The visitor types, then reads: "Seen" under the reply.
  visitor.typing(id, true);
  await expect(page.locator('.conv .typing')).toHaveText(`${name} is typing…`);
  await expect(timeline(page).locator('.sm-seen')).toHaveCount(0);
  visitor.read(id, reply.seq);
  await expect(timeline(page).locator('.sm.from-agent').last().locator('.sm-seen')).toHaveText('Seen');

  // A private note: marked in the timeline, never sent to the visitor.
  await page.getByRole('button', { name: 'Private note', pressed: false }).click();
  await noteBox(page).fill('VIP customer, be quick');
  await noteBox(page).press('Enter');
  const note = timeline(page).locator('.sm-note');
  await expect(note).toHaveCount(1);
  await expect(note).toContainText('Private note');
  await expect(note).toContainText('VIP customer, be quick');
  await expect(note.locator('.msg-status')).toHaveCount(0);
  await page.getByRole('button', { name: 'Reply', pressed: false }).click();
  await expect(replyBox(page)).toBeFocused();

  // Resolve: it moves to the resolved tab. The visitor writes again: it reopens.
  await page.getByRole('button', { name: 'Resolve' }).click();
  await expect(page.locator('.conv-sub .status-pill')).toHaveText('Resolved');
  await consoleRegion(page)
    .getByRole('tab', { name: /Resolved/ })
    .click();
  await expect(item).toBeVisible();
  await visitor.say(id, 'One more thing: gift wrap?');
  await expect(page.locator('.conv-sub .status-pill')).toHaveText('Open');
  await expect(item).toBeHidden();
  await consoleRegion(page).getByRole('tab', { name: /Open/ }).click();
  await expect(item).toContainText('One more thing: gift wrap?');
  await expect(timeline(page).locator('.sm.from-visitor .sm-text').last()).toHaveText(
    'One more thing: gift wrap?',
  );

  // Nothing of the note ever reached the visitor: not live, not in the history.
  const history = (await visitor.call('GET', `/conversations/${id}/messages`)) as {
    messages: { text: string }[];
  };
  expect(history.messages.map((m) => m.text)).toEqual([
    'Where is my order #42?',
    'It ships today',
    'One more thing: gift wrap?',
  ]);
  expect(
    visitor.socket?.frames.filter((f) => f.type === 'msg' && f.text.includes('VIP')),
    'no note among the frames the visitor received',
  ).toEqual([]);

  // A page view appears in the context, newest first.
  await visitor.page('http://127.0.0.1:3211/checkout', 'Checkout');
  await expect(panel.locator('.vp-facts')).toContainText('Checkout');
  await expect(panel.locator('.vp-pages .vp-page-title')).toHaveText(['Checkout', 'Blue kettle']);

  // After a reload everything is as it was: the timeline with the note, and "Seen".
  await page.reload();
  await expect(timeline(page).locator('.sm-text')).toHaveText([
    'Where is my order #42?',
    'It ships today',
    'VIP customer, be quick',
    'One more thing: gift wrap?',
  ]);
  await expect(timeline(page).locator('.sm.from-agent .sm-seen')).toHaveText('Seen');
  await expect(item).toContainText('Yours');
  visitor.close();
});

test('a canned response is inserted by its shortcut, and can be made and deleted', async ({ page }) => {
  const site = await createSite();
  await agentConsole(page);
  const visitor = await Visitor.create(site);
  const id = await visitor.start('Do you ship to Norway?', { name: uniqueName('Nils ') });
  await queueItem(page, id).click();

  const shortcut = uniqueName('ship-');
  const text = `We ship worldwide within 3 days (${shortcut}).`;
  await page.getByRole('button', { name: 'Canned responses' }).click();
  const cannedPanel = page.getByRole('region', { name: 'Canned responses' });
  await cannedPanel.getByLabel('Shortcut').fill(shortcut);
  await cannedPanel.getByLabel('Text').fill(text);
  await cannedPanel.getByRole('button', { name: 'Add response' }).click();
  await expect(cannedPanel.getByRole('list', { name: 'Saved responses' })).toContainText(`/${shortcut}`);
  // The same shortcut again: the server's words.
  await cannedPanel.getByLabel('Shortcut').fill(shortcut);
  await cannedPanel.getByLabel('Text').fill('again');
  await cannedPanel.getByRole('button', { name: 'Add response' }).click();
  await expect(cannedPanel.getByRole('alert')).toHaveText(`the shortcut /${shortcut} exists`);
  await page.keyboard.press('Escape');
  await expect(cannedPanel).toBeHidden();
  await expect(page.getByRole('button', { name: 'Canned responses' })).toBeFocused();

  // Typing "/" and the start of the shortcut suggests it; Enter inserts it.
  await replyBox(page).fill('Hello! ');
  await replyBox(page).press('End');
  await replyBox(page).pressSequentially(`/${shortcut.slice(0, 7)}`);
  const option = page.getByRole('option', { name: new RegExp(shortcut) });
  await expect(option).toBeVisible();
  await replyBox(page).press('Enter');
  await expect(replyBox(page)).toHaveValue(`Hello! ${text}`);
  await expect(option).toBeHidden();
  // A draft survives switching conversations.
  const other = await visitor.start('Another question', { name: uniqueName('Nils ') });
  await queueItem(page, other).click();
  await expect(replyBox(page)).toHaveValue('');
  await queueItem(page, id).click();
  await expect(replyBox(page)).toHaveValue(`Hello! ${text}`);

  await page.getByRole('button', { name: 'Canned responses' }).click();
  await cannedPanel.getByRole('button', { name: `Delete /${shortcut}` }).click();
  await expect(cannedPanel.getByText(`/${shortcut}`)).toHaveCount(0);
});

test('hostile visitor names, messages and page titles render as text in the console', async ({ page }) => {
  const site = await createSite();
  await agentConsole(page);
  const visitor = await Visitor.create(site);
  await visitor.page('javascript:alert(1)', XSS[1]);
  await visitor.page('http://127.0.0.1:3211/ok', XSS[0]);
  const id = await visitor.start(XSS.join(' '), { name: XSS[0] });
  const item = queueItem(page, id);
  await expect(item.locator('.qi-name')).toHaveText(XSS[0]);
  await expect(item.locator('.qi-preview')).toHaveText(XSS.join(' '));
  await item.click();
  await expect(timeline(page).locator('.sm-text')).toHaveText([XSS.join(' ')]);
  await expect(timeline(page).locator('.sm-author')).toHaveText([XSS[0]]);
  const panel = page.getByRole('complementary', { name: 'Visitor' });
  await expect(panel.locator('.vp-pages .vp-page-title')).toHaveText([XSS[0], XSS[1]]);
  // The javascript: page is text, not a link; the other is a link to its http address.
  await expect(panel.locator('.vp-pages a')).toHaveCount(1);
  await expect(page.locator('a[href^="javascript:" i]')).toHaveCount(0);
  await expect(consoleRegion(page).locator('img, iframe, object, embed, script')).toHaveCount(0);
  await expect(page.locator('img')).toHaveCount(0);
});

test('after the connection drops, the console shows what the visitor wrote meanwhile, in order, once', async ({
  page,
}) => {
  // Short, fixed backoff waits while the socket is blocked.
  await page.addInitScript(() => {
    Math.random = () => 0.1;
  });
  let allow = true;
  const link: { drop?: () => Promise<void> } = {};
  // While blocked, long-polling (the SDK's fallback) fails as well.
  await page.route('**/api/poll**', (route) =>
    allow
      ? route.continue()
      : route.fulfill({ status: 503, body: '{"error":{"code":"internal","message":"blocked"}}' }),
  );
  await page.routeWebSocket('**/ws', (ws) => {
    if (!allow) {
      void ws.close({ code: 1011, reason: 'e2e: blocked' });
      return;
    }
    const server = ws.connectToServer();
    link.drop = async () => {
      allow = false;
      await ws.close({ code: 1011, reason: 'e2e: blocked' });
      server.close();
    };
  });
  const site = await createSite();
  await agentConsole(page);
  const visitor = await Visitor.create(site);
  const id = await visitor.start('Hello, anyone?', { name: uniqueName('Rita ') });
  await queueItem(page, id).click();
  await expect(timeline(page).locator('.sm-text')).toHaveText(['Hello, anyone?']);
  await visitor.connect(id);

  await link.drop?.();
  await expect(connection(page)).toContainText('Reconnecting');
  await visitor.say(id, 'first while you were away');
  await visitor.say(id, 'second while you were away');
  allow = true;
  await expect(connection(page)).toContainText('Online', { timeout: 15_000 });

  await expect(timeline(page).locator('.sm-text')).toHaveText([
    'Hello, anyone?',
    'first while you were away',
    'second while you were away',
  ]);
  await expect(queueItem(page, id).locator('.qi-preview')).toHaveText('second while you were away');
  visitor.close();
});

test('a new visitor message while the tab is hidden shows a notification, asked for only from the button', async ({
  page,
}) => {
  await instrument(page);
  const site = await createSite();
  await agentConsole(page);

  // The sound can be muted, and it stays muted after a reload.
  const sound = page.getByRole('button', { name: 'Sound' });
  await expect(sound).toHaveAttribute('aria-pressed', 'true');
  await sound.click();
  await expect(sound).toHaveAttribute('aria-pressed', 'false');
  await page.reload();
  await expect(page.getByRole('button', { name: 'Sound' })).toHaveAttribute('aria-pressed', 'false');

  // Nothing asks for permission until the button does.
  expect(await page.evaluate(() => (window as unknown as { sbAsked: number }).sbAsked)).toBe(0);
  await page.getByRole('button', { name: 'Enable notifications' }).click();
  await expect(consoleRegion(page).getByText('Notifications on')).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { sbAsked: number }).sbAsked)).toBe(1);

  await page.evaluate(() => {
    (window as unknown as { sbHidden: boolean }).sbHidden = true;
    document.dispatchEvent(new Event('visibilitychange'));
  });
  const visitor = await Visitor.create(site);
  const name = uniqueName('Hana ');
  await visitor.start('Is anyone there?', { name });
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { sbNotes: { body: string }[] }).sbNotes))
    .toContainEqual({
      title: expect.stringContaining('New conversation'),
      body: `${name}: Is anyone there?`,
    });
  expect(await tones(page), 'muted: no sound').toBe(0);
});

test.describe('at 360 px', () => {
  test.use({ viewport: { width: 360, height: 740 } });

  test('the queue and the conversation are separate views, and nothing scrolls sideways', async ({
    page,
  }) => {
    const fits = async () =>
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const site = await createSite();
    await agentConsole(page);
    const visitor = await Visitor.create(site);
    await visitor.page('http://127.0.0.1:3211/a/very/long/path/that/goes/on/and/on?with=query', 'Pricing');
    const id = await visitor.start(`A long question ${'word '.repeat(40)}`, {
      name: uniqueName('Narrow '),
      email: 'a.very.long.address@example.com',
    });
    await expect(queueItem(page, id)).toBeVisible();
    await fits();

    await queueItem(page, id).click();
    await expect(queueItem(page, id)).toBeHidden();
    await expect(replyBox(page)).toBeVisible();
    await fits();
    await page.getByRole('button', { name: 'Visitor', exact: true }).click();
    const panel = page.getByRole('complementary', { name: 'Visitor' });
    await expect(panel).toBeVisible();
    await expect(panel).toBeInViewport();
    await fits();
    await page.keyboard.press('Escape');
    await expect(panel).toBeHidden();
    await page.getByRole('link', { name: 'All conversations' }).click();
    await expect(queueItem(page, id)).toBeVisible();
    await fits();
  });
});

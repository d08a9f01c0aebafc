/**
 * The support widget on a customer's page (another origin, strict CSP): a visitor talks to an
 * agent live, comes back to the same conversation, and pays nothing on the network until they
 * click the launcher.
 */
import {
  admin,
  bubbles,
  claim,
  composer,
  conversationFor,
  createSite,
  expect,
  launcher,
  messages,
  onlineAgent,
  openHost,
  openWidget,
  panel,
  recordServerTraffic,
  reply,
  returningVisitor,
  SERVER_URL,
  test,
  unreadDot,
  widgetCall,
  write,
} from './widget-support.js';

test('a visitor writes, the agent claims and replies live with typing, and a reload shows it all', async ({
  page,
}) => {
  const site = await createSite();
  const agent = await onlineAgent();
  try {
    const traffic = recordServerTraffic(page);
    await openHost(page, site);
    await openWidget(page);
    await expect(panel(page).getByRole('heading', { level: 2 })).toHaveText(/^Acme /);
    await expect(panel(page)).toContainText('We’re online');
    await expect(panel(page)).toContainText('Hi! Ask us anything about your order.');
    await expect(composer(page)).toBeFocused();

    await write(page, 'Where is my order #1042?');
    const conversation = await conversationFor(agent, 'Where is my order #1042?');
    await expect.poll(() => traffic.sockets.length, { message: 'live from the first message on' }).toBe(1);
    await claim(agent, conversation.id);
    // Typing is ephemeral: it reaches the visitor only once their socket follows the conversation.
    await expect
      .poll(() => traffic.subscribed.includes(`conv:${conversation.id}`), {
        message: 'the widget follows the conversation',
      })
      .toBe(true);

    agent.desk.send({ type: 'typing', stream: `conv:${conversation.id}`, active: true });
    await expect(panel(page)).toContainText(`${agent.name} is typing…`);
    await reply(agent, conversation.id, 'It ships today. Track it at https://example.com/track/1042');
    const answer = messages(page).locator('.m').last();
    await expect(answer.locator('.n')).toHaveText(agent.name);
    await expect(answer.locator('.bu')).toHaveText(
      'It ships today. Track it at https://example.com/track/1042',
    );
    await expect(answer.getByRole('link')).toHaveAttribute('href', 'https://example.com/track/1042');
    await expect(panel(page)).not.toContainText('is typing');

    // The visitor's next message goes over the socket: pending, then sent; the agent reads it.
    await write(page, 'Thanks!');
    const thanks = await agent.desk.next('msg', (m) => m.text === 'Thanks!');
    agent.desk.send({ type: 'read', stream: `conv:${conversation.id}`, seq: thanks.seq });
    await expect(messages(page).locator('.m.me').last().locator('.st')).toHaveText('Seen');

    await page.reload();
    await openWidget(page);
    await expect(bubbles(page)).toHaveText([
      'Where is my order #1042?',
      'It ships today. Track it at https://example.com/track/1042',
      'Thanks!',
    ]);
    await write(page, 'One more question');
    await agent.desk.next('msg', (m) => m.text === 'One more question');
  } finally {
    await agent.close();
  }
});

test('a new visitor costs widget.js alone until the click, and nothing live until the first message', async ({
  page,
}) => {
  const site = await createSite();
  const agent = await onlineAgent();
  try {
    // NOTE: "nothing more" is checked on the page's clock: every timer the loader set for the next
    // 5 s fires (however slow the machine), then the network goes quiet.
    await page.clock.install();
    const traffic = recordServerTraffic(page);
    await openHost(page, site);
    await expect(launcher(page)).toBeVisible();
    await page.clock.runFor(5_000);
    await page.waitForLoadState('networkidle');
    expect(traffic.requests).toEqual([`GET /widget.js`]);
    expect(traffic.sockets).toEqual([]);

    await openWidget(page);
    await expect(composer(page)).toBeVisible();
    await page.waitForLoadState('networkidle');
    expect(traffic.requests.map((r) => r.replace(/\?.*/, ''))).toEqual([
      'GET /widget.js',
      'GET /widget-chat.js',
      'GET /api/widget/config',
    ]);
    expect(traffic.sockets, 'no visitor yet, nothing to follow').toEqual([]);
    expect(traffic.requests.some((r) => r.includes('/api/poll'))).toBe(false);

    await write(page, 'Hello there');
    await expect.poll(() => traffic.sockets.length).toBe(1);
    expect(traffic.sockets[0]).toBe(`${SERVER_URL.replace(/^http/, 'ws')}/ws?site=${site}`);
    const token = await page.evaluate((key) => localStorage.getItem(key), `switchboard:${site}:visitor`);
    expect(token, 'the token is kept in the host page’s localStorage').toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(traffic.requests.join('\n'), 'the token never travels in a URL').not.toContain(token as string);
  } finally {
    await agent.close();
  }
});

test('a returning visitor with nothing unread costs one unread check and no socket', async ({ page }) => {
  const site = await createSite();
  const { token } = await widgetCall(site, 'POST', '/visitors');
  await widgetCall(site, 'POST', '/conversations', { token, body: { text: 'Earlier question' } });
  await returningVisitor(page, site, token);
  await page.clock.install();
  const traffic = recordServerTraffic(page);
  await openHost(page, site);
  await expect(launcher(page)).toHaveAccessibleName('Chat with us');
  // Every timer of the next 5 s fires on the page's clock, then the network goes quiet.
  await page.clock.runFor(5_000);
  await page.waitForLoadState('networkidle');
  expect(traffic.requests.map((r) => r.replace(/\?.*/, ''))).toEqual([
    'GET /widget.js',
    'GET /api/widget/unread',
  ]);
  expect(traffic.sockets).toEqual([]);
  await expect(unreadDot(page)).toBeHidden();
});

test('a returning visitor with an unread reply gets the dot from one unread check, before any socket', async ({
  page,
}) => {
  const site = await createSite();
  const agent = await onlineAgent();
  try {
    const { token } = await widgetCall(site, 'POST', '/visitors');
    const { conversation } = await widgetCall(site, 'POST', '/conversations', {
      token,
      body: { text: 'Do you ship to Norway?' },
    });
    await reply(agent, conversation.id, 'Yes, in 3 to 5 days.');
    await returningVisitor(page, site, token);
    const traffic = recordServerTraffic(page);
    await openHost(page, site, { page: 'api' });

    await expect(unreadDot(page)).toBeVisible();
    await expect(launcher(page)).toHaveAccessibleName('Chat with us (1 unread)');
    const events = await page.evaluate(() => (window as any).sbEvents.unread);
    expect(events[0], 'the first count came while no socket existed').toEqual({ count: 1, sockets: 0 });
    expect(traffic.requests.filter((r) => r.includes('/api/widget/unread'))).toHaveLength(1);

    // With something unread, the chat loads (closed) and follows the conversation live.
    await expect.poll(() => traffic.sockets.length).toBe(1);
    await expect(panel(page)).toBeHidden();
    await reply(agent, conversation.id, 'Free shipping over 50 €.');
    await expect(launcher(page)).toHaveAccessibleName('Chat with us (2 unread)');
    expect(
      traffic.requests.filter((r) => r.includes('/api/widget/unread')),
      'never asked again',
    ).toHaveLength(1);

    await openWidget(page);
    await expect(bubbles(page)).toHaveText([
      'Do you ship to Norway?',
      'Yes, in 3 to 5 days.',
      'Free shipping over 50 €.',
    ]);
    await expect(unreadDot(page)).toBeHidden();
    await expect
      .poll(async () => (await widgetCall(site, 'GET', '/unread', { token })).unread, {
        message: 'opening the panel marked the replies read on the server',
      })
      .toBe(0);
  } finally {
    await agent.close();
  }
});

test('the JS API: commands queued before the loader run in order; on("unread"), on("message"), on("visitor") and on("event") fire', async ({
  page,
}) => {
  const site = await createSite({ prechat: true });
  const agent = await onlineAgent();
  try {
    // queue.js (the page's own script, before widget.js) queues identify, two listeners and open.
    await openHost(page, site, { page: 'api', query: { open: '1' } });
    await expect(panel(page)).toBeVisible();
    // The page already said who the visitor is: no pre-chat form.
    await expect(composer(page)).toBeVisible();
    await write(page, 'Question from a known customer');
    const conversation = await conversationFor(agent, 'Question from a known customer');
    expect(conversation.visitor).toMatchObject({ name: 'Queued Visitor', email: 'queued@example.com' });
    const context = await agent.get(`/api/support/conversations/${conversation.id}`);
    expect(context.visitor.attributes).toEqual({ plan: 'pro' });

    await page.evaluate(() => (window as any).Switchboard.close());
    await expect(panel(page)).toBeHidden();
    await reply(agent, conversation.id, 'Hello, Queued Visitor!');
    await expect(launcher(page)).toHaveAccessibleName('Chat with us (1 unread)');
    await expect
      .poll(() => page.evaluate(() => (window as any).sbEvents.unread.map((e: { count: number }) => e.count)))
      .toEqual([0, 1]);
    const [message] = await page.evaluate(() => (window as any).sbEvents.message);
    expect(message).toMatchObject({
      conversation: conversation.id,
      from: agent.name,
      text: 'Hello, Queued Visitor!',
    });

    // After the loader, push() and the methods do the same.
    await page.evaluate(() => (window as any).Switchboard.push(['toggle']));
    await expect(panel(page)).toBeVisible();
    await expect
      .poll(() => page.evaluate(() => (window as any).sbEvents.unread.map((e: { count: number }) => e.count)))
      .toEqual([0, 1, 0]);
    await page.evaluate(() => {
      const sb = (window as any).Switchboard;
      sb.identify({ name: 'Vera Known' });
    });
    await expect
      .poll(async () => (await agent.get(`/api/support/conversations/${conversation.id}`)).visitor.name)
      .toBe('Vera Known');

    // The site's backend pushes to this visitor by the id on('visitor') gave; on('event') gets it.
    const [visitorId] = await page.evaluate(() => (window as any).sbEvents.visitor);
    expect(visitorId).toBe(conversation.visitor.id);
    const key = await (await admin()).post('/api/admin/keys', {
      data: { name: 'shop backend', scopes: ['visitor:*'] },
    });
    expect(key.status()).toBe(201);
    const pushed = await fetch(`${SERVER_URL}/api/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${(await key.json()).token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ target: { visitor: visitorId }, event: 'order.shipped', data: { order: 1042 } }),
    });
    expect(pushed.status).toBe(202);
    await expect
      .poll(() => page.evaluate(() => (window as any).sbEvents.event))
      .toEqual([{ event: 'order.shipped', data: { order: 1042 }, at: expect.any(Number) }]);
  } finally {
    await agent.close();
  }
});

test('the pre-chat form asks for name and email, in words, before the first message', async ({ page }) => {
  const site = await createSite({ prechat: true });
  const agent = await onlineAgent();
  try {
    await openHost(page, site);
    await openWidget(page);
    const form = panel(page).locator('form.fm');
    await expect(form).toContainText('Before we start, tell us who you are.');
    await expect(composer(page)).toHaveCount(0);
    await form.getByRole('button', { name: 'Start chat' }).click();
    await expect(form).toContainText('Enter your name.');
    await expect(form).toContainText('Enter an email address like name@example.com.');
    await expect(form.getByLabel('Name')).toBeFocused();
    await form.getByLabel('Name').fill('Vera');
    await form.getByLabel('Email').fill('vera@example.com');
    await form.getByRole('button', { name: 'Start chat' }).click();
    await expect(composer(page)).toBeFocused();
    await write(page, 'Hi, I am Vera');
    const conversation = await conversationFor(agent, 'Hi, I am Vera');
    expect(conversation.visitor).toEqual({ id: expect.any(String), name: 'Vera', email: 'vera@example.com' });
    await expect(panel(page)).toContainText('You’re chatting as Vera');
  } finally {
    await agent.close();
  }
});

test('outside business hours the widget says so, takes the message with an email, and promises a reply', async ({
  page,
}) => {
  const site = await createSite({ closedToday: true });
  await openHost(page, site);
  await openWidget(page);
  await expect(panel(page)).toContainText('We’re away');
  const form = panel(page).locator('form.fm');
  await expect(form).toContainText('We’re outside business hours.');
  await expect(form).toContainText('Leave a message and your email address');
  await form.getByRole('button', { name: 'Send' }).click();
  await expect(form.getByLabel('Email')).toBeFocused();
  await form.getByLabel('Email').fill('not an email');
  await form.getByLabel('Message').fill('Please call me back');
  await form.getByRole('button', { name: 'Send' }).click();
  await expect(form).toContainText('Enter an email address like name@example.com.');
  await form.getByLabel('Email').fill('vera@example.com');
  await form.getByRole('button', { name: 'Send' }).click();

  await expect(bubbles(page)).toHaveText(['Please call me back']);
  await expect(panel(page)).toContainText(
    'We’re outside business hours. Thanks! We’ll reply by email, or here',
  );
  await expect(composer(page)).toBeVisible();
  const token = await page.evaluate((key) => localStorage.getItem(key), `switchboard:${site}:visitor`);
  const { conversations } = await widgetCall(site, 'GET', '/conversations', { token: token as string });
  expect(conversations).toHaveLength(1);
  expect(conversations[0].lastPreview).toBe('Please call me back');
});

test('keyboard: the launcher opens the panel with the focus inside; Escape closes it and returns the focus', async ({
  page,
}) => {
  const site = await createSite({ closedToday: true });
  await openHost(page, site, {
    attrs: {
      language: 'zh-CN',
      position: 'bottom-left',
      accent: '#0f766e',
      greeting: '你好！这一页的问候。',
    },
  });
  await launcher(page).focus();
  await expect(launcher(page)).toHaveAccessibleName('联系我们');
  await expect(launcher(page)).toHaveCSS('background-color', 'rgb(15, 118, 110)');
  await page.keyboard.press('Enter');
  await expect(panel(page)).toBeVisible();
  await expect(launcher(page)).toHaveAttribute('aria-expanded', 'true');
  await expect(launcher(page)).toHaveAccessibleName('关闭聊天');
  await expect(panel(page).getByRole('button', { name: '关闭聊天' })).toBeVisible();
  await expect(panel(page)).toContainText('我们暂时不在');
  await expect(panel(page).locator('.g')).toHaveText('你好！这一页的问候。');
  await expect(panel(page).locator('.h')).toHaveCSS('background-color', 'rgb(15, 118, 110)');
  await page.keyboard.press('Escape');
  await expect(panel(page)).toBeHidden();
  await expect(launcher(page)).toBeFocused();
  await expect(launcher(page)).toHaveAttribute('aria-expanded', 'false');
  const box = await launcher(page).boundingBox();
  expect(box?.x, 'data-position="bottom-left"').toBeLessThan(100);

  await page.keyboard.press('Enter');
  await expect(panel(page)).toBeVisible();
  await panel(page).getByRole('button', { name: '关闭聊天' }).click();
  await expect(panel(page)).toBeHidden();
  await expect(launcher(page)).toBeFocused();
});

test('a data-accent that is not a color is ignored, whatever it carries', async ({ page }) => {
  const site = await createSite({ closedToday: true });
  await openHost(page, site, { attrs: { accent: 'red; } :host { display: none' } });
  await expect(launcher(page)).toBeVisible();
  await expect(launcher(page)).toHaveCSS('background-color', 'rgb(79, 70, 229)');
});

test('with WebSocket unavailable, the widget carries on over long-polling, with ?site= and no cookies', async ({
  page,
}) => {
  const site = await createSite();
  const agent = await onlineAgent();
  try {
    await page.context().addInitScript(() => {
      Object.defineProperty(window, 'WebSocket', { value: undefined, configurable: true });
    });
    const polls: { url: string; cookie: string | undefined }[] = [];
    page.on('request', (req) => {
      if (req.url().includes('/api/poll')) polls.push({ url: req.url(), cookie: req.headers().cookie });
    });
    await openHost(page, site);
    await openWidget(page);
    await write(page, 'Polling hello');
    const conversation = await conversationFor(agent, 'Polling hello');
    await claim(agent, conversation.id);
    await reply(agent, conversation.id, 'Polling answer');
    await expect(bubbles(page).last()).toHaveText('Polling answer');
    await write(page, 'And back');
    await agent.desk.next('msg', (m) => m.text === 'And back');
    expect(polls.length).toBeGreaterThan(0);
    for (const poll of polls) {
      expect(new URL(poll.url).searchParams.get('site')).toBe(site);
      expect(poll.cookie).toBeUndefined();
    }
  } finally {
    await agent.close();
  }
});

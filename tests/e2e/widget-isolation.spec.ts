/**
 * The widget and the page it lives in leave each other alone: hostile global CSS does not change
 * the widget, the widget does not change the page, a strict CSP is enough, the shadow root is
 * really closed, hostile text stays text, and a phone-sized screen gets the whole panel.
 */
import type { Page } from '@playwright/test';
import {
  bubbles,
  conversationFor,
  createSite,
  expect,
  HOST_URL,
  launcher,
  messages,
  onlineAgent,
  openHost,
  openWidget,
  panel,
  recordServerTraffic,
  reply,
  test,
  widget,
  widgetCall,
  write,
  XSS,
} from './widget-support.js';

/** Everything the widget draws, by selector inside its shadow root. */
const WIDGET_PARTS = [
  '.w',
  '.l',
  '.l svg',
  '.p',
  '.h',
  '.ht h2',
  '.h .ib',
  '.b',
  '.g',
  '.f',
  '.f .in',
  '.sb',
];
const PAGE_PARTS = [
  'html',
  'body',
  '.site-header',
  '.brand',
  'main',
  'h1',
  '.lead',
  '.lead a',
  'form',
  'label',
  'input',
  'button',
  'ul',
  'li',
];

type Styles = Record<string, Record<string, string> | null>;

/** Every computed property (custom properties aside: a page's inherit into anything) and the box. */
async function computed(page: Page, where: 'widget' | 'page', selectors: string[]): Promise<Styles> {
  return page.evaluate(
    ([where, selectors]) => {
      const scope =
        where === 'widget'
          ? (document.querySelector('switchboard-widget')?.shadowRoot as ShadowRoot)
          : document;
      const out: Record<string, Record<string, string> | null> = {};
      const elements: [string, Element | null][] = selectors.map((s) => [s, scope.querySelector(s)]);
      if (where === 'widget') elements.push([':host', document.querySelector('switchboard-widget')]);
      for (const [selector, element] of elements) {
        if (!element) {
          out[selector] = null;
          continue;
        }
        const style = getComputedStyle(element);
        const props: Record<string, string> = {};
        for (const name of Array.from(style)) {
          if (!name.startsWith('--')) props[name] = style.getPropertyValue(name);
        }
        const box = element.getBoundingClientRect();
        props['(box)'] = `${box.x},${box.y} ${box.width}x${box.height}`;
        out[selector] = props;
      }
      return out;
    },
    [where, selectors] as const,
  );
}

/** Only the differences, so a failure names the property. */
function differences(a: Styles, b: Styles): string[] {
  const out: string[] = [];
  for (const selector of Object.keys(a)) {
    const x = a[selector];
    const y = b[selector];
    if (!x || !y) {
      if (x !== y) out.push(`${selector}: present in one, missing in the other`);
      continue;
    }
    for (const prop of new Set([...Object.keys(x), ...Object.keys(y)])) {
      if (x[prop] !== y[prop]) out.push(`${selector} ${prop}: ${x[prop]} vs ${y[prop]}`);
    }
  }
  return out;
}

async function openedWidgetStyles(page: Page, site: string, host: 'plain' | 'hostile'): Promise<Styles> {
  await openHost(page, site, { page: host });
  await openWidget(page);
  await expect(panel(page).locator('.g')).toBeVisible();
  await page.mouse.move(1, 1); // no hover on the launcher
  return computed(page, 'widget', WIDGET_PARTS);
}

test.describe('hostile page styles', () => {
  test.use({ reducedMotion: 'reduce' });

  test('a page’s aggressive global CSS does not change how the widget looks', async ({ page }) => {
    const site = await createSite();
    const agent = await onlineAgent(); // "online": the message box shows
    const plain = await openedWidgetStyles(page, site, 'plain');
    const hostile = await openedWidgetStyles(page, site, 'hostile');
    await agent.close();
    expect(
      await page.evaluate(() => getComputedStyle(document.querySelector('button') as Element).color),
    ).toBe('rgb(255, 255, 0)');
    expect(Object.values(plain).every((v) => v !== null)).toBe(true);
    expect(differences(plain, hostile)).toEqual([]);
    // And what they are: the launcher is a 56 px circle at 20 px from the corner, in the accent.
    expect(plain['.l']?.['(box)']).toBe('1204,644 56x56');
    expect(plain['.l']?.['background-color']).toBe('rgb(79, 70, 229)');
    expect(plain['.ht h2']?.['font-size']).toBe('16px');
  });

  test('the widget does not change the page’s styles, open or closed', async ({ page }) => {
    const site = await createSite({ closedToday: true });
    for (const host of ['plain', 'hostile'] as const) {
      await openHost(page, site, { page: host, query: { nowidget: '1' } });
      const without = await computed(page, 'page', PAGE_PARTS);
      const sheets = await page.evaluate(() => [
        document.styleSheets.length,
        document.adoptedStyleSheets.length,
      ]);
      await openHost(page, site, { page: host });
      await expect(launcher(page)).toBeVisible();
      expect(differences(without, await computed(page, 'page', PAGE_PARTS))).toEqual([]);
      await openWidget(page);
      expect(differences(without, await computed(page, 'page', PAGE_PARTS))).toEqual([]);
      expect(
        await page.evaluate(() => [document.styleSheets.length, document.adoptedStyleSheets.length]),
      ).toEqual(sheets);
    }
  });
});

test.describe('the real, closed shadow root', () => {
  test.use({ pierceShadow: false });

  test('page scripts cannot reach inside; keyboard and assistive technology still can', async ({ page }) => {
    const site = await createSite({ closedToday: true });
    const traffic = recordServerTraffic(page);
    await openHost(page, site);
    await expect(widget(page)).toHaveCount(1);
    expect(await page.evaluate(() => document.querySelector('switchboard-widget')?.shadowRoot)).toBeNull();
    const box = await widget(page).boundingBox();
    expect(box).toMatchObject({ width: 56, height: 56 });

    // Tab through the page's own controls to the launcher, and open it with Enter.
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.localName === 'switchboard-widget')) break;
    }
    expect(await page.evaluate(() => document.activeElement?.localName)).toBe('switchboard-widget');
    await page.keyboard.press('Enter');
    await expect.poll(() => traffic.requests.some((r) => r.startsWith('GET /api/widget/config'))).toBe(true);

    const cdp = await page.context().newCDPSession(page);
    const named = async () => {
      const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
        nodes: { role?: { value?: string }; name?: { value?: string }; ignored?: boolean }[];
      };
      return nodes
        .filter((n) => !n.ignored && ['button', 'dialog', 'textbox'].includes(n.role?.value ?? ''))
        .map((n) => `${n.role?.value}: ${n.name?.value ?? ''}`);
    };
    await expect.poll(named).toEqual(expect.arrayContaining(['button: Close chat', 'textbox: Email']));
    expect(await named()).toContainEqual(expect.stringMatching(/^dialog: Acme /));
    await page.keyboard.press('Escape');
    await expect.poll(named).toContain('button: Chat with us');
  });
});

test('hostile text from the visitor, the agent and the page title stays text, and the API keeps it verbatim', async ({
  page,
}) => {
  const site = await createSite({ prechat: true });
  const agent = await onlineAgent();
  try {
    await openHost(page, site, { query: { title: XSS[1] } });
    expect(await page.title()).toBe(XSS[1]);
    await openWidget(page);
    const form = panel(page).locator('form.fm');
    await form.getByLabel('Name').fill(XSS[0]);
    await form.getByLabel('Email').fill('xss@example.com');
    await form.getByRole('button', { name: 'Start chat' }).click();
    const text = `${XSS.join(' ')} and https://example.com/ok`;
    await write(page, text);
    const conversation = await conversationFor(agent, text);
    await reply(agent, conversation.id, XSS[2]);
    await reply(agent, conversation.id, `[x](${XSS[2]}) ${XSS[0]}`);

    await expect(bubbles(page)).toHaveText([text, XSS[2], `[x](${XSS[2]}) ${XSS[0]}`]);
    await expect(panel(page)).toContainText(`You’re chatting as ${XSS[0]}`);
    const shadow = widget(page);
    await expect(shadow.locator('img, script, iframe, object, embed')).toHaveCount(0);
    await expect(shadow.locator('a[href^="javascript:" i]')).toHaveCount(0);
    await expect(messages(page).getByRole('link')).toHaveCount(1);
    await expect(messages(page).getByRole('link')).toHaveAttribute('href', 'https://example.com/ok');
    await expect(messages(page).getByRole('link')).toHaveAttribute('rel', 'noopener noreferrer nofollow');

    const context = () => agent.get(`/api/support/conversations/${conversation.id}`);
    expect((await context()).visitor.name).toBe(XSS[0]);
    await expect.poll(async () => (await context()).visitor.pages[0]?.title).toBe(XSS[1]);
    const token = await page.evaluate((key) => localStorage.getItem(key), `switchboard:${site}:visitor`);
    const history = await widgetCall(site, 'GET', `/conversations/${conversation.id}/messages`, {
      token: token as string,
    });
    expect(history.messages.map((m: { text: string }) => m.text)).toEqual([
      text,
      XSS[2],
      `[x](${XSS[2]}) ${XSS[0]}`,
    ]);
  } finally {
    await agent.close();
  }
});

test('page views: the first with the visitor, then one per single-page navigation or title change', async ({
  page,
}) => {
  const site = await createSite();
  const agent = await onlineAgent();
  try {
    await openHost(page, site, { query: { title: 'Trail shoes' } });
    await openWidget(page);
    await write(page, 'Which size?');
    const conversation = await conversationFor(agent, 'Which size?');
    const pages = async () =>
      (
        (await agent.get(`/api/support/conversations/${conversation.id}`)).visitor.pages as {
          url: string;
          title: string;
        }[]
      ).map((p) => `${p.title} ${p.url.replace(HOST_URL, '')}`);
    await expect.poll(pages).toEqual([expect.stringMatching(/^Trail shoes \/plain\.html\?site=/)]);

    await page.evaluate(() => {
      history.pushState({}, '', '/plain.html?step=sizes');
      document.title = 'Size guide';
    });
    await expect
      .poll(pages)
      .toEqual([`Size guide /plain.html?step=sizes`, expect.stringMatching(/^Trail shoes /)]);
    await page.goBack();
    await expect.poll(pages).toHaveLength(3);
    expect((await pages())[0]).toMatch(/^Size guide \/plain\.html\?site=/);
  } finally {
    await agent.close();
  }
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 360, height: 740 } });

  test('the panel takes the whole screen and the conversation works', async ({ page }) => {
    const site = await createSite();
    const agent = await onlineAgent();
    try {
      await openHost(page, site);
      await openWidget(page);
      // (polled: the panel slides in, unless the visitor asked for reduced motion)
      await expect.poll(() => panel(page).boundingBox()).toEqual({ x: 0, y: 0, width: 360, height: 740 });
      const hello = 'Hello from my phone, with a long sentence that has to wrap inside the bubble nicely.';
      await write(page, hello);
      const conversation = await conversationFor(agent, hello);
      await reply(
        agent,
        conversation.id,
        'Hi! https://example.com/a/very/long/link/that/should/wrap/anywhere/ok',
      );
      await expect(bubbles(page)).toHaveCount(2);
      const scrollWidth = await messages(page).evaluate((el) => [el.scrollWidth, el.clientWidth]);
      expect(scrollWidth[0], 'nothing overflows sideways').toBe(scrollWidth[1]);
      await panel(page).getByRole('button', { name: 'Close chat' }).click();
      await expect(panel(page)).toBeHidden();
      await expect(launcher(page)).toBeVisible();
    } finally {
      await agent.close();
    }
  });
});

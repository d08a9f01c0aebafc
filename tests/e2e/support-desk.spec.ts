/**
 * Customer support with both people in a browser: a visitor in the widget on the customer's page
 * (another origin, strict CSP) and an agent in the console of the SPA, each in their own context.
 * widget.spec.ts and console.spec.ts each drive one side with the other simulated in Node; this
 * checks that the two real front ends meet.
 */
import { agentConsole, queueItem, replyBox, timeline } from './console-support.js';
import { uniqueName } from './support.js';
import {
  bubbles,
  createSite,
  expect,
  messages,
  openHost,
  openWidget,
  panel,
  recordServerTraffic,
  test,
  write,
} from './widget-support.js';

test('a visitor writes in the widget, an agent claims and answers in the console, and the visitor sees it live and after a reload', async ({
  page,
  newContext,
}) => {
  const site = await createSite({ prechat: true });

  // The agent opens the console and goes online first: with nobody online the widget would offer
  // only an email form.
  const agentPage = await (await newContext()).newPage();
  const agent = await agentConsole(agentPage);
  await agentPage
    .getByRole('group', { name: 'Your availability' })
    .getByRole('radio', { name: 'Online' })
    .check();

  // The visitor, on the customer's page, gives a name and writes.
  const name = uniqueName('Vera ');
  const traffic = recordServerTraffic(page);
  await openHost(page, site);
  await openWidget(page);
  const form = panel(page).locator('form.fm');
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Email').fill('vera@shop.example');
  await form.getByRole('button', { name: 'Start chat' }).click();
  await write(page, 'Does the blue kettle come with a filter?');

  // It arrives live in the agent's queue under the visitor's name; the agent opens and claims it.
  const item = agentPage.locator('.queue-item', { hasText: name });
  await expect(item).toContainText('Does the blue kettle come with a filter?');
  await expect(item).toContainText('Unassigned');
  await item.click();
  const id = await item.getAttribute('data-conversation');
  expect(id).toBeTruthy();
  await agentPage.getByRole('button', { name: 'Claim' }).click();
  await expect(queueItem(agentPage, id ?? '')).toContainText('Yours');

  // The visitor sees the agent typing (once their socket follows the conversation: typing is
  // ephemeral), then the reply under the agent's name, live.
  await expect
    .poll(() => traffic.subscribed.includes(`conv:${id}`), { message: 'the widget follows the conversation' })
    .toBe(true);
  await replyBox(agentPage).fill('Yes, a limescale filter is in the box.');
  await expect(panel(page)).toContainText(`${agent.name} is typing…`);
  await replyBox(agentPage).press('Enter');
  const answer = messages(page).locator('.m').last();
  await expect(answer.locator('.bu')).toHaveText('Yes, a limescale filter is in the box.');
  await expect(answer.locator('.n')).toHaveText(agent.name);
  await expect(panel(page)).not.toContainText('is typing');

  // The visitor answers; the agent sees it live in the timeline.
  await write(page, 'Great, thanks!');
  await expect(timeline(agentPage).locator('.sm.from-visitor .sm-text').last()).toHaveText('Great, thanks!');

  // A reload of the customer's page: the same conversation, in order, once.
  await page.reload();
  await openWidget(page);
  await expect(bubbles(page)).toHaveText([
    'Does the blue kettle come with a filter?',
    'Yes, a limescale filter is in the box.',
    'Great, thanks!',
  ]);
  // Still live after the reload.
  await replyBox(agentPage).fill('Enjoy your tea!');
  await replyBox(agentPage).press('Enter');
  await expect(bubbles(page).filter({ hasText: 'Enjoy your tea!' })).toBeVisible();
});

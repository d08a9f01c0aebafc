import { composer, createRoom, expect, messageLog, register, test, uniqueName } from './support.js';

test('two users in a new room chat both ways live and see each other typing', async ({
  page,
  newContext,
}) => {
  const alice = uniqueName('alice');
  const bob = uniqueName('bob');
  await register(page, alice);
  const title = `Team ${uniqueName('')}`;
  await createRoom(page, title, 'where the e2e chat happens');

  const bobPage = await (await newContext()).newPage();
  await register(bobPage, bob);
  await bobPage.getByRole('button', { name: `Join ${title}` }).click();
  await expect(bobPage.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.locator('.presence-count')).toHaveText('2 online');

  // Alice starts typing: Bob sees it, then her message replaces the indicator.
  await composer(page).pressSequentially('hello');
  await expect(bobPage.locator('.typing')).toHaveText(`${alice} is typing…`);
  await composer(page).fill('hello bob');
  await composer(page).press('Enter');
  await expect(messageLog(bobPage).locator('.msg-text')).toHaveText(['hello bob']);
  await expect(bobPage.locator('.typing')).toHaveText('');
  await expect(messageLog(page).locator('.msg-status')).toHaveText(['Sent']);

  // And back the other way.
  await composer(bobPage).pressSequentially('hi');
  await expect(page.locator('.typing')).toHaveText(`${bob} is typing…`);
  await composer(bobPage).fill('hi alice');
  await composer(bobPage).press('Enter');
  await expect(messageLog(page).locator('.msg-text')).toHaveText(['hello bob', 'hi alice']);
  await expect(messageLog(bobPage).locator('.msg-text')).toHaveText(['hello bob', 'hi alice']);
  await expect(page.locator('.typing')).toHaveText('');
  await expect(messageLog(page).locator('.msg-author')).toHaveText([alice, bob]);
});

test('Shift+Enter adds a line and Enter sends the whole message', async ({ page }) => {
  await register(page, uniqueName('lines'));
  await createRoom(page, `Lines ${uniqueName('')}`);
  await composer(page).pressSequentially('first line');
  await composer(page).press('Shift+Enter');
  await composer(page).pressSequentially('second line');
  await composer(page).press('Enter');
  // Markdown draws the line break as <br>: what the reader sees is innerText.
  await expect(messageLog(page).locator('.msg-text')).toHaveText(['first line\nsecond line'], {
    useInnerText: true,
  });
  await expect(composer(page)).toHaveValue('');
});

test('a refused send shows the reason in words, and Retry sends it again as a new message', async ({
  page,
}) => {
  // The first send is answered with an error frame as the server would refuse it; the rest pass.
  let refused = 0;
  await page.routeWebSocket('**/ws', (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((raw) => {
      const frame = JSON.parse(String(raw)) as { type: string; clientMsgId?: string };
      if (frame.type === 'send' && refused === 0) {
        refused++;
        ws.send(
          JSON.stringify({
            type: 'error',
            code: 'forbidden',
            message: 'you are not a member of this room; join it first',
            ref: frame.clientMsgId,
          }),
        );
        return;
      }
      server.send(raw);
    });
  });
  await register(page, uniqueName('retry'));
  await createRoom(page, `Retry ${uniqueName('')}`);
  await composer(page).fill('second time lucky');
  await composer(page).press('Enter');
  const log = messageLog(page);
  await expect(log.locator('.msg-status')).toHaveText([
    'Not sent: you are not a member of this room; join it firstRetry',
  ]);
  await log.getByRole('button', { name: 'Retry' }).click();
  await expect(log.locator('.msg-text')).toHaveText(['second time lucky']);
  await expect(log.locator('.msg-status')).toHaveText(['Sent']);
});

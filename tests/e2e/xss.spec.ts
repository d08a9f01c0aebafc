import {
  composer,
  createRoom,
  expect,
  messageLog,
  PASSWORD,
  register,
  roomLink,
  test,
  uniqueName,
} from './support.js';

const CORPUS = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  '[x](javascript:alert(1))',
] as const;

test('a refused username is explained as text, markup and all', async ({ page }) => {
  await page.goto('/register');
  await page.getByLabel('Username').fill(CORPUS[0]);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'username may contain only letters, digits, _ . and -; "<" (U+003C) is not allowed',
  );
  await expect(page.locator('img')).toHaveCount(0);
});

test('hostile room titles, topics and messages render as literal text; only http(s) URLs link', async ({
  page,
}) => {
  await register(page, uniqueName('xss'));
  await createRoom(page, CORPUS[0], CORPUS[1]);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(CORPUS[0]);
  await expect(page.locator('.room-topic')).toHaveText(CORPUS[1]);
  await expect(roomLink(page, CORPUS[0])).toHaveCount(1);

  const messages = [...CORPUS, 'docs at https://example.com and javascript:alert(2) too'];
  for (const text of messages) {
    await composer(page).fill(text);
    await composer(page).press('Enter');
  }
  await expect(messageLog(page).locator('.msg-status')).toHaveText(['Sent']);
  const check = async () => {
    const log = messageLog(page);
    await expect(log.locator('.msg-text')).toHaveText(messages);
    await expect(page.locator('img, iframe, object, embed')).toHaveCount(0);
    await expect(log.locator('script')).toHaveCount(0);
    await expect(page.locator('a[href^="javascript:" i]')).toHaveCount(0);
    const links = log.getByRole('link');
    await expect(links).toHaveCount(1);
    await expect(links).toHaveText('https://example.com');
    await expect(links).toHaveAttribute('href', 'https://example.com/');
    await expect(links).toHaveAttribute('rel', 'noopener noreferrer nofollow');
    await expect(links).toHaveAttribute('target', '_blank');
  };
  await check();
  // The same again from history rather than live frames.
  await page.reload();
  await check();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(CORPUS[0]);
});

test('an over-long room title is refused with the server’s words', async ({ page }) => {
  await register(page, uniqueName('long'));
  await page.getByRole('button', { name: 'New room' }).click();
  await page.getByLabel('Title').fill(`${'界'.repeat(80)}x`);
  await page.getByRole('button', { name: 'Create room' }).click();
  await expect(page.getByRole('alert')).toContainText('room title is 241 bytes; the limit is 200');
});

test('Markdown draws only its subset: raw HTML, images and unsafe links stay text', async ({ page }) => {
  await register(page, uniqueName('md'));
  await createRoom(page, `Markdown ${uniqueName('')}`);
  const messages = [
    '**<img src=x onerror=alert(1)>**',
    '<a href="javascript:alert(1)">x</a>',
    '[x](JaVaScRiPt:alert(1)) and [ok](https://ok.example/page)',
    '![pic](https://example.com/pic.png)',
    '> quoted `<script>alert(1)</script>`',
  ];
  for (const text of messages) {
    await composer(page).fill(text);
    await composer(page).press('Enter');
  }
  await expect(messageLog(page).locator('.msg-status')).toHaveText(['Sent']);
  const log = messageLog(page);
  await expect(log.locator('.msg-text strong')).toHaveText('<img src=x onerror=alert(1)>');
  await expect(log.locator('.msg-text blockquote code')).toHaveText('<script>alert(1)</script>');
  await expect(page.locator('img, iframe, object, embed')).toHaveCount(0);
  await expect(log.locator('script')).toHaveCount(0);
  await expect(page.locator('a[href^="javascript:" i]')).toHaveCount(0);
  const links = log.getByRole('link');
  await expect(links).toHaveText(['ok']);
  await expect(links).toHaveAttribute('href', 'https://ok.example/page');
  await expect(links).toHaveAttribute('rel', 'noopener noreferrer nofollow');
  await expect(log.locator('.msg-text').nth(3)).toHaveText('![pic](https://example.com/pic.png)');
});

/**
 * Issue #12 item 6 in the browser: the register and new-room forms name an invisible character
 * before sending, and a look-alike of an existing username is refused in the user's language.
 */
import { createRoom, expect, PASSWORD, register, test, uniqueName } from './support.js';

test('the register form names an invisible character by code point and sends nothing', async ({ page }) => {
  const sent: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/api/auth/register')) sent.push(request.url());
  });
  await page.goto('/register');
  await page.getByLabel('Username').fill(`${uniqueName('vs')}\uFE00`);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'Username contains an invisible or text-direction character (U+FE00); remove it.',
  );
  expect(sent).toEqual([]);
});

test('a look-alike of an existing username is refused in words', async ({ page, newContext }) => {
  const name = uniqueName('anna');
  await register(page, name);
  const other = await (await newContext()).newPage();
  await other.goto('/register');
  // A Cyrillic а (U+0430) for the first letter.
  await other.getByLabel('Username').fill(`\u0430${name.slice(1)}`);
  await other.getByLabel('Password').fill(PASSWORD);
  await other.getByRole('button', { name: 'Create account' }).click();
  await expect(other.getByRole('alert')).toHaveText(
    'This username looks too much like an existing one. Pick another.',
  );
  await expect(other).toHaveURL(/\/register$/);
});

test('the new-room form names a text-direction character in the title', async ({ page }) => {
  await register(page, uniqueName('rooms'));
  await page.getByRole('button', { name: 'New room' }).click();
  await page.getByLabel('Title').fill('Plans\u202Egnp.exe');
  await page.getByRole('button', { name: 'Create room' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'Title contains an invisible or text-direction character (U+202E); remove it.',
  );
  await page.getByRole('button', { name: 'Cancel' }).click();
  await createRoom(page, `Fans \u2764\uFE0F ${uniqueName('')}`);
});

test.describe('in Chinese', () => {
  test.use({ locale: 'zh-CN' });

  test('a look-alike of an existing username is refused in Chinese', async ({
    page,
    playwright,
    baseURL,
  }) => {
    const name = uniqueName('olga');
    const api = await playwright.request.newContext({ baseURL });
    try {
      const made = await api.post('/api/auth/register', { data: { username: name, password: PASSWORD } });
      expect(made.status()).toBe(201);
    } finally {
      await api.dispose();
    }
    await page.goto('/register');
    // Capital I for the l: "oIga..." looks like "olga...".
    await page.getByLabel('用户名').fill(name.replace('l', 'I'));
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '注册账号' }).click();
    await expect(page.getByRole('alert')).toHaveText('这个用户名与已有的用户名过于相似，请换一个。');
  });
});

/**
 * Customer support's admin pages (sites and their embed snippets; who is an agent) and who may
 * see what: admins the admin pages, agents and admins the console, plain users neither.
 */
import { consoleRegion, SERVER_URL } from './console-support.js';
import { connection, expect, PASSWORD, register, signInAsAdmin, test, uniqueName } from './support.js';

const banner = (page: import('@playwright/test').Page) => page.getByRole('banner');

test('an admin registers a site, copies its snippet, reads the optional attributes, and edits it', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signInAsAdmin(page);
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Sites' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sites');

  const form = page.getByRole('form', { name: 'Register a site' });
  const name = uniqueName('Kettle shop ');
  await form.getByLabel('Name', { exact: true }).fill(name);
  // A path is not an origin: the server's sentence says why.
  await form.getByLabel('Allowed origins').fill('https://shop.example/path');
  await form.getByRole('button', { name: 'Register site' }).click();
  await expect(form.getByRole('alert')).toContainText(
    'an allowed origin is scheme://host[:port], like https://www.example.com',
  );

  await form.getByLabel('Allowed origins').fill('http://127.0.0.1:3211\nhttps://*.shop.example/\n');
  await form.getByRole('checkbox', { name: /Pre-chat form/ }).check();
  await form.getByLabel('Greeting').fill('Hi! Ask us about kettles.');
  await form.getByRole('checkbox', { name: 'Only during business hours' }).check();
  await form.getByLabel('Time zone').fill('Europe/Berlin');
  await form.getByRole('checkbox', { name: 'Fri' }).uncheck();
  await form.getByLabel('Opens').fill('08:30');
  await form.getByLabel('Closes').fill('18:00');
  await form.getByRole('button', { name: 'Register site' }).click();

  const made = page.getByRole('region', { name: `${name} is registered` });
  await expect(made).toBeVisible();
  const snippet = made.getByRole('textbox', { name: 'Embed code' });
  await expect(snippet).toHaveValue(
    new RegExp(`^<script src="${SERVER_URL}/widget\\.js" data-site="[A-Za-z0-9_-]+" async></script>$`),
  );
  await expect(snippet).toHaveAttribute('readonly', '');
  await made.getByRole('button', { name: 'Copy' }).click();
  await expect(made.getByRole('status')).toHaveText('Copied to the clipboard.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await snippet.inputValue());
  await made.getByText('Optional attributes').click();
  for (const attribute of ['data-position', 'data-accent', 'data-language', 'data-greeting']) {
    await expect(made.getByText(new RegExp(`^${attribute}=`))).toBeVisible();
  }
  // Nothing is left in the form for the next site.
  await expect(form.getByLabel('Name', { exact: true })).toHaveValue('');

  // In the list: what was registered, and its snippet.
  const key = /data-site="([^"]+)"/.exec(await snippet.inputValue())?.[1] ?? '';
  const item = page.locator(`.site[data-site="${key}"]`);
  await expect(item.getByRole('heading', { name })).toBeVisible();
  await expect(item).toContainText('http://127.0.0.1:3211');
  await expect(item).toContainText('https://*.shop.example');
  await expect(item).toContainText('Mon, Tue, Wed, Thu, 08:30–18:00 (Europe/Berlin)');
  await expect(item.getByRole('textbox', { name: 'Embed code' })).toHaveValue(await snippet.inputValue());

  // Edit: a new name and no business hours.
  await item.getByRole('button', { name: `Edit ${name}` }).click();
  await item.getByLabel('Name', { exact: true }).fill(`${name} (EU)`);
  await item.getByRole('checkbox', { name: 'Only during business hours' }).uncheck();
  await item.getByRole('button', { name: 'Save changes' }).click();
  await expect(item.getByRole('heading', { name: `${name} (EU)` })).toBeVisible();
  await expect(item).toContainText('Always (no business hours)');
  await expect(item.getByRole('button', { name: `Edit ${name} (EU)` })).toBeFocused();
  const sites = (await (await page.request.get('/api/admin/sites')).json()) as {
    sites: { key: string; options: { prechat: boolean; greeting: string; businessHours: unknown } }[];
  };
  expect(sites.sites.find((s) => s.key === key)?.options).toEqual({
    prechat: true,
    greeting: 'Hi! Ask us about kettles.',
    businessHours: null,
  });
});

test('an admin makes a user an agent and back; only agents and admins get the console', async ({
  page,
  newContext,
}) => {
  const userPage = await (await newContext()).newPage();
  const name = uniqueName('helper');
  await register(userPage, name);
  await expect(banner(userPage).getByRole('link', { name: /Support/ })).toHaveCount(0);
  await userPage.goto('/support');
  await expect(userPage.getByText('Only agents may use the support console.')).toBeVisible();

  await signInAsAdmin(page);
  // The admin is an agent too: the console is in the top bar.
  await expect(banner(page).getByRole('link', { name: /Support/ })).toBeVisible();
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Agents' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Agents');
  await page.getByLabel('Find a user').fill(name);
  const row = page.locator(`.user-row[data-user="${name}"]`);
  await expect(row.locator('.role-pill')).toHaveText('User');
  await row.getByRole('button', { name: `Make ${name} an agent` }).click();
  await expect(row.locator('.role-pill')).toHaveText('Agent');

  await userPage.reload();
  await expect(connection(userPage)).toContainText('Online');
  await banner(userPage)
    .getByRole('link', { name: /Support/ })
    .click();
  await expect(consoleRegion(userPage)).toBeVisible();
  await expect(userPage.getByRole('tab', { name: /Open/ })).toHaveAttribute('aria-selected', 'true');
  // Not an admin: no admin pages.
  await expect(userPage.getByRole('navigation', { name: 'Admin' })).toHaveCount(0);

  await row.getByRole('button', { name: `Remove ${name}’s agent role` }).click();
  await expect(row.locator('.role-pill')).toHaveText('User');
  await userPage.reload();
  await expect(connection(userPage)).toContainText('Online');
  await expect(userPage.getByText('Only agents may use the support console.')).toBeVisible();
  await expect(banner(userPage).getByRole('link', { name: /Support/ })).toHaveCount(0);
});

test('an admin suspends and deletes a signed-in user: their open page goes to sign-in and says why', async ({
  page,
  newContext,
}) => {
  const userPage = await (await newContext()).newPage();
  const name = uniqueName('suspect');
  await register(userPage, name);

  await signInAsAdmin(page);
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Agents' }).click();
  await page.getByLabel('Find a user').fill(name);
  const row = page.locator(`.user-row[data-user="${name}"]`);
  await row.getByRole('button', { name: new RegExp(`^Suspend ${name}`) }).click();
  await expect(row.locator('.status-pill')).toHaveText('Suspended');

  // The user's open page: signed out at once, on the sign-in page, told why.
  await expect(userPage).toHaveURL(/\/login$/);
  await expect(userPage.getByRole('alert')).toHaveText(
    'An admin suspended your account, so you were signed out. Ask an admin to lift it.',
  );
  await userPage.getByLabel('Username').fill(name);
  await userPage.getByLabel('Password').fill(PASSWORD);
  await userPage.getByRole('button', { name: 'Sign in' }).click();
  await expect(userPage.locator('form').getByRole('alert')).toHaveText(
    'An admin suspended this account; it cannot sign in until an admin lifts the suspension.',
  );

  // Lifted: signs in again; then deleted: signed out again, and why.
  await row.getByRole('button', { name: `Lift ${name}’s suspension` }).click();
  await expect(row.locator('.status-pill')).toHaveCount(0);
  await userPage.getByRole('button', { name: 'Sign in' }).click();
  await expect(connection(userPage)).toContainText('Online');
  await row.getByRole('button', { name: `Delete ${name}’s account` }).click();
  await expect(row).toContainText('can never sign in again');
  await row.getByRole('button', { name: 'Delete for good' }).click();
  await expect(row.locator('.status-pill')).toHaveText('Deleted');
  await expect(userPage).toHaveURL(/\/login$/);
  await expect(userPage.getByRole('alert')).toHaveText(
    'An admin deleted your account, so you were signed out.',
  );
});

test('a plain user sees no admin links, and each admin page says only an admin may use it', async ({
  page,
}) => {
  await register(page, uniqueName('plain'));
  await expect(page.getByRole('navigation', { name: 'Admin' })).toHaveCount(0);
  for (const label of ['Sites', 'Agents', 'API keys']) {
    await expect(page.getByRole('link', { name: label })).toHaveCount(0);
  }
  await page.goto('/admin/sites');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sites');
  await expect(page.getByText('Only an admin may manage sites.')).toBeVisible();
  await expect(page.getByRole('form')).toHaveCount(0);
  await page.goto('/admin/agents');
  await expect(page.getByText('Only an admin may manage agents.')).toBeVisible();
  // The server refuses too.
  expect((await page.request.get('/api/admin/sites')).status()).toBe(403);
  expect((await page.request.get('/api/support/conversations')).status()).toBe(403);
});

test('the console and the admin pages speak Chinese', async ({ page }) => {
  await signInAsAdmin(page);
  await page.getByLabel('Language').selectOption('zh-CN');
  await page.goto('/support');
  await expect(page.getByRole('region', { name: '客服工作台' })).toBeVisible();
  await expect(page.getByRole('tab', { name: /进行中/ })).toBeVisible();
  await page.goto('/admin/sites');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('网站');
  await expect(page.getByRole('button', { name: '注册网站' })).toBeVisible();
  await page.getByLabel('语言').selectOption('en');
});

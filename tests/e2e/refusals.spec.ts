/**
 * How the sign-in and sign-up forms say the server's protective refusals. The server's states
 * (a fresh install reached from another machine, an address out of attempts) cannot be set up
 * on the shared e2e server, so the answers are the server's real shapes, routed in.
 */
import { expect, test, uniqueName } from './support.js';

const refusal = (status: number, code: string, message: string, headers: Record<string, string> = {}) => ({
  status,
  contentType: 'application/json',
  headers,
  body: JSON.stringify({ error: { code, message } }),
});

test('the first account from another machine: the form asks for the setup code and sends it', async ({
  page,
}) => {
  const sent: Record<string, unknown>[] = [];
  await page.route('**/api/auth/register', async (route) => {
    const body = route.request().postDataJSON() as Record<string, unknown>;
    sent.push(body);
    if (body.setupCode === 'the-code-123') {
      await route.fulfill(refusal(409, 'username_taken', 'the username is taken; pick another'));
      return;
    }
    await route.fulfill(refusal(403, 'setup_code_required', 'send the setup code'));
  });
  await page.goto('/register');
  await page.getByLabel('Username').fill(uniqueName('first'));
  await page.getByLabel('Password').fill('correct horse battery');
  await expect(page.getByLabel('Setup code')).toHaveCount(0);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'The first account becomes the admin. Enter the setup code the server printed when it started.',
  );
  await page.getByLabel('Setup code').fill(' the-code-123 ');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('alert')).toHaveText('the username is taken; pick another');
  expect(sent[0]).not.toHaveProperty('setupCode');
  expect(sent[1]?.setupCode).toBe('the-code-123');
});

test.describe('in Chinese', () => {
  test.use({ locale: 'zh-CN' });

  test('a sign-in refused for too many attempts says so in the reader’s language', async ({ page }) => {
    await page.route('**/api/auth/login', (route) =>
      route.fulfill(
        refusal(429, 'rate_limited', 'too many sign-in attempts from one address', { 'retry-after': '60' }),
      ),
    );
    await page.goto('/login');
    await page.locator('input[name="username"]').fill('someone');
    await page.locator('input[name="password"]').fill('wrong password');
    await page.locator('button[type="submit"]').click();
    await expect(page.getByRole('alert')).toHaveText('来自你的地址的尝试次数过多。请等几分钟后再试。');
  });
});

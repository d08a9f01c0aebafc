/** The article's demo page at /path/: the "test" button's WebSocket gets the server's push. */
import { expect, test } from './support.js';

test('the /path/ demo sends 发送数据 over a WebSocket and shows the push 下载完成', async ({ page }) => {
  await page.goto('/path/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('WebSocket test');
  await page.getByRole('button', { name: 'test' }).click();
  const steps = page.locator('#steps li');
  await expect(steps.filter({ hasText: '下载完成' })).toHaveCount(1);
  await expect(steps.first()).toContainText('WebSocket is supported');
  await expect(steps.filter({ hasText: 'sent: 发送数据' })).toHaveCount(1);
  await expect(steps.last()).toContainText('connection closed');
});

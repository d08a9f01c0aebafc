/**
 * The widget's size budgets as a test (scripts/check-widget-budget.mjs fails the build the same
 * way): every page of a customer's site loads widget.js, and every visitor who opens the chat
 * loads widget-chat.js.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';

const budgets = JSON.parse(readFileSync('web/widget/budget.json', 'utf8')) as Record<string, number>;

for (const file of ['widget.js', 'widget-chat.js']) {
  test(`${file} is within its gzip budget of ${(budgets[file] ?? 0) / 1000} kB`, () => {
    const bytes = readFileSync(`dist/web/${file}`);
    const gzip = gzipSync(bytes).length;
    test
      .info()
      .annotations.push({ type: 'size', description: `${file}: ${bytes.length} B raw, ${gzip} B gzip` });
    expect(gzip, `${file}: ${bytes.length} bytes raw, ${gzip} bytes gzip`).toBeLessThanOrEqual(
      budgets[file] ?? 0,
    );
  });
}

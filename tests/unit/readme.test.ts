/** The README is part of the product: its tables must list every code and every setting. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { settings } from '../../server/config.js';
import { CloseCode, ErrorCode } from '../../shared/codes.js';

// Table cells are compared without their padding, which the formatter may change.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').replace(/ *\| */g, ' | ');

describe('README', () => {
  it.each(Object.entries(ErrorCode))(
    'documents error code %s with its recovery and meaning',
    (code, info) => {
      expect(readme).toContain(`| \`${code}\` | ${info.recovery} | ${info.meaning} |`);
    },
  );

  it.each(Object.entries(CloseCode))('documents close code %s', (name, info) => {
    expect(readme).toContain(`| ${info.code} | \`${name}\` | ${info.recovery} | ${info.meaning} |`);
  });

  it.each(settings.map(([name]) => name))('documents the %s setting', (name) => {
    expect(readme).toContain(`| \`${name}\` |`);
  });
});

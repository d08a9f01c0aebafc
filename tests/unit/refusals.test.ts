/** Refusals are counted one by one and logged once per burst of the same code. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../server/log.js';
import { createRefusals } from '../../server/refusals.js';

describe('refusals', () => {
  let lines: string[];
  let counted: string[];
  beforeEach(() => {
    vi.useFakeTimers();
    lines = [];
    counted = [];
  });
  afterEach(() => vi.useRealTimers());

  const make = () =>
    createRefusals({
      log: createLogger('info', (line) => lines.push(line)),
      count: (code) => counted.push(code),
      windowMs: 1000,
    });

  it('2,000 refusals in one burst are 2,000 counts and two lines: the first, and how many more', () => {
    const refusals = make();
    for (let i = 0; i < 2000; i++) refusals.note('too_many_connections', { scope: 'ip', ip: '203.0.113.9' });
    expect(counted).toHaveLength(2000);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/WARN refused reason=too_many_connections scope=ip ip=203\.0\.113\.9$/);
    vi.advanceTimersByTime(1000);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/WARN refused\.burst reason=too_many_connections more=1999 window_ms=1000$/);
  });

  it('codes burst separately; a lone refusal is one line; the next burst logs again', () => {
    const refusals = make();
    refusals.note('forbidden');
    refusals.note('account_suspended');
    expect(lines).toHaveLength(2);
    vi.advanceTimersByTime(1000);
    expect(lines).toHaveLength(2);
    refusals.note('forbidden');
    expect(lines).toHaveLength(3);
  });
});

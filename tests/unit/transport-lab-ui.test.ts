/**
 * The SPA's pure pieces behind the transport choice and the Transport lab page: the address's
 * parameters, number formats, the AbortSignal fallbacks long-polling needs, and the lab model's
 * lanes (with a fake runner, no network).
 */
import { describe, expect, it, vi } from 'vitest';
import { formatBytes, formatMs } from '../../web/app/common/format.js';
import { parseRoute, withSticky } from '../../web/app/common/models/router.js';
import { createLab, FULL_SCRIPT, labSeconds, parseLabSettings } from '../../web/app/lab/models/lab.js';
import { transportFromQuery } from '../../web/app/shell/models/connection.js';
import { anySignal, type SignalStatics, timeoutSignal } from '../../web/client/signals.js';
import type { LabOptions, LabResult } from '../../web/lab/run-lab.js';

const q = (search: string) => new URLSearchParams(search);

describe('the address', () => {
  it('keeps ?transport= on in-app navigation, and drops every other parameter', () => {
    expect(withSticky('/rooms/general', '?transport=polling&messages=10')).toBe(
      '/rooms/general?transport=polling',
    );
    expect(withSticky('/lab?messages=10', '?transport=polling')).toBe('/lab?messages=10&transport=polling');
    expect(withSticky('/lab?transport=auto', '?transport=polling')).toBe('/lab?transport=auto');
    expect(withSticky('/login', '')).toBe('/login');
  });

  it('routes /lab to the lab page', () => {
    expect(parseRoute('/lab')).toEqual({ name: 'lab' });
    expect(parseRoute('/lab/')).toEqual({ name: 'lab' });
    expect(parseRoute('/labs')).toEqual({ name: 'home' });
  });

  it('takes polling, websocket and auto from ?transport= and ignores anything else', () => {
    expect(transportFromQuery(q('?transport=polling'), true)).toBe('polling');
    expect(transportFromQuery(q('?transport=websocket'), true)).toBe('websocket');
    expect(transportFromQuery(q('?transport=auto'), true)).toBe('auto');
    expect(transportFromQuery(q('?transport=carrier-pigeon'), true)).toBeUndefined();
    expect(transportFromQuery(q('?transport=Polling'), true)).toBeUndefined();
    expect(transportFromQuery(q(''), true)).toBeUndefined();
  });

  it('ignores ?transport=websocket where the browser has no WebSocket (auto falls back instead)', () => {
    expect(transportFromQuery(q('?transport=websocket'), false)).toBeUndefined();
    expect(transportFromQuery(q('?transport=polling'), false)).toBe('polling');
  });
});

describe('lab settings from the address', () => {
  it('defaults to the full script: 100 messages at 5 per second, then 60 s idle, about 80 s', () => {
    const { settings, ignored } = parseLabSettings(q(''));
    expect(settings).toEqual(FULL_SCRIPT);
    expect(settings).toEqual({ messages: 100, ratePerSec: 5, idleMs: 60_000 });
    expect(labSeconds(settings)).toBe(80);
    expect(ignored).toEqual([]);
  });

  it('reads ?messages=10&rate=10&idle=3 with idle in seconds', () => {
    expect(parseLabSettings(q('?messages=10&rate=10&idle=3')).settings).toEqual({
      messages: 10,
      ratePerSec: 10,
      idleMs: 3000,
    });
    expect(parseLabSettings(q('?idle=0.5')).settings.idleMs).toBe(500);
  });

  it('names each value it ignores and keeps the full script’s value for it', () => {
    const { settings, ignored } = parseLabSettings(q('?messages=2.5&rate=0&idle=601'));
    expect(ignored).toEqual(['messages', 'rate', 'idle']);
    expect(settings).toEqual(FULL_SCRIPT);
    expect(parseLabSettings(q('?messages=abc&rate=&idle=-1')).ignored).toEqual(['messages', 'idle']);
  });
});

describe('number formats', () => {
  it('writes bytes in decimal units with one decimal above bytes', () => {
    expect(formatBytes(0, 'en')).toBe('0 B');
    expect(formatBytes(812, 'en')).toBe('812 B');
    expect(formatBytes(2234, 'en')).toBe('2.2 kB');
    expect(formatBytes(3000, 'en')).toBe('3.0 kB');
    expect(formatBytes(47_900, 'en')).toBe('47.9 kB');
    expect(formatBytes(999_960, 'en')).toBe('1.0 MB');
    expect(formatBytes(1_234_567, 'zh-CN')).toBe('1.2 MB');
  });

  it('writes latency with a decimal only under 10 ms', () => {
    expect(formatMs(0.42, 'en')).toBe('0.4');
    expect(formatMs(16.4, 'en')).toBe('16');
    expect(formatMs(1000, 'en')).toBe('1,000');
  });
});

const fakeResult = (transport: LabResult['transport'], messages: number): LabResult => {
  const counters = {
    bytesIn: 1,
    bytesOut: 1,
    requests: 1,
    delivered: messages,
    latencyP50: 1,
    latencyP95: 2,
  };
  return {
    transport,
    messages,
    bytesPerMessage: 100,
    idleBytesPerMinute: 0,
    requests: 1,
    latencyP50: 1,
    latencyP95: 2,
    messagePhase: counters,
    idlePhase: { ...counters, delivered: 0 },
  };
};

describe('the lab model', () => {
  const deps = { userId: 'u1', baseUrl: 'http://x', wsUrl: 'ws://x/ws' };

  it('runs one lane per transport, shows their progress, and ends with every result', async () => {
    const calls: LabOptions[] = [];
    let finish: (() => void) | undefined;
    const gate = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const lab = createLab({
      ...deps,
      run: async (options) => {
        calls.push(options);
        const t = options.transports?.[0] ?? 'websocket';
        options.onProgress?.(t, 'messages', 3);
        await gate;
        return [fakeResult(t, options.messages)];
      },
    });
    expect(lab.status.value).toBe('idle');
    lab.run({ messages: 10, ratePerSec: 10, idleMs: 3000 });
    expect(lab.status.value).toBe('running');
    expect(calls.map((c) => c.transports)).toEqual([['websocket'], ['polling'], ['short_polling']]);
    await Promise.resolve();
    expect(lab.lanes.value.map((l) => [l.phase, l.delivered])).toEqual([
      ['messages', 3],
      ['messages', 3],
      ['messages', 3],
    ]);
    lab.run(FULL_SCRIPT); // ignored while running
    expect(calls).toHaveLength(3);
    finish?.();
    await vi.waitFor(() => expect(lab.status.value).toBe('done'));
    expect(lab.lanes.value.map((l) => l.result?.transport)).toEqual([
      'websocket',
      'polling',
      'short_polling',
    ]);
    lab.dispose();
  });

  it('fails a lane this browser cannot run, in its own words, while the others finish', async () => {
    const lab = createLab({
      ...deps,
      available: (t) => t !== 'websocket',
      run: async (options) => {
        const t = options.transports?.[0] ?? 'websocket';
        if (t === 'short_polling') throw new Error('lab counters: HTTP 500');
        return [fakeResult(t, options.messages)];
      },
    });
    lab.run({ messages: 1, ratePerSec: 1, idleMs: 0 });
    await vi.waitFor(() => expect(lab.status.value).toBe('done'));
    const [ws, polling, short] = lab.lanes.value;
    expect(ws?.error).toEqual({ code: 'unavailable' });
    expect(polling?.phase).toBe('done');
    expect(short?.error).toEqual({ code: 'failed', reason: 'lab counters: HTTP 500' });
    lab.dispose();
  });
});

describe('AbortSignal fallbacks for older browsers (web/client/signals.ts)', () => {
  const none: SignalStatics = {};

  it('any() aborts with the reason of the first input that aborts', () => {
    const a = new AbortController();
    const b = new AbortController();
    const both = anySignal([a.signal, b.signal], none);
    expect(both.aborted).toBe(false);
    b.abort('b went first');
    expect(both.aborted).toBe(true);
    expect(both.reason).toBe('b went first');
    a.abort('too late');
    expect(both.reason).toBe('b went first');
  });

  it('any() of an already aborted input is aborted at once', () => {
    expect(anySignal([AbortSignal.abort('done')], none).reason).toBe('done');
  });

  it('timeout() aborts with a TimeoutError after the delay', () => {
    vi.useFakeTimers();
    try {
      const signal = timeoutSignal(40_000, none);
      vi.advanceTimersByTime(39_999);
      expect(signal.aborted).toBe(false);
      vi.advanceTimersByTime(1);
      expect((signal.reason as DOMException).name).toBe('TimeoutError');
    } finally {
      vi.useRealTimers();
    }
  });

  it('uses the native implementations where they exist', () => {
    const a = new AbortController();
    const viaNative = anySignal([a.signal]);
    a.abort('x');
    expect(viaNative.reason).toBe('x');
  });
});

/**
 * `AbortSignal.any` and `AbortSignal.timeout` where the browser has them, small equivalents where
 * it does not (`any` arrived in Chrome 116, Firefox 124, Safari 17.4). Older browsers are the ones
 * most often behind proxies that block WebSocket, where long-polling is all there is, so the
 * polling transport must not depend on them. Nothing global is changed.
 */
export type SignalStatics = {
  any?: (signals: AbortSignal[]) => AbortSignal;
  timeout?: (ms: number) => AbortSignal;
};
const native = AbortSignal as unknown as SignalStatics;

/** `statics` is the platform's AbortSignal; tests pass an empty one to exercise the fallbacks. */
export function timeoutSignal(ms: number, statics: SignalStatics = native): AbortSignal {
  if (typeof statics.timeout === 'function') return statics.timeout(ms);
  const controller = new AbortController();
  setTimeout(() => controller.abort(new DOMException('signal timed out', 'TimeoutError')), ms);
  return controller.signal;
}

export function anySignal(signals: AbortSignal[], statics: SignalStatics = native): AbortSignal {
  if (typeof statics.any === 'function') return statics.any(signals);
  const controller = new AbortController();
  const aborted = signals.find((s) => s.aborted);
  if (aborted) {
    controller.abort(aborted.reason);
    return controller.signal;
  }
  const listeners = signals.map((signal) => {
    const listener = () => {
      for (const [s, l] of listeners) s.removeEventListener('abort', l);
      controller.abort(signal.reason);
    };
    signal.addEventListener('abort', listener, { once: true });
    return [signal, listener] as const;
  });
  return controller.signal;
}

/**
 * Tells the agents which page the visitor is on: once at start, then on every new page view of a
 * single-page app (history.pushState/replaceState, back and forward, hash changes) and every title
 * change. Changes within 300 ms are one view (an app that pushes a route and then sets its title).
 */

export interface PageView {
  url: string;
  title: string;
}

/** The server's limits (shared/api.ts PageViewBody). */
const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n) : s);

export function watchPageViews(report: (view: PageView) => void, settleMs = 300): () => void {
  let last = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const emit = () => {
    const view = { url: clip(location.href, 2000), title: clip(document.title, 500) };
    const key = `${view.url}\n${view.title}`;
    if (key === last) return;
    last = key;
    report(view);
  };
  const check = () => {
    clearTimeout(timer);
    timer = setTimeout(emit, settleMs);
  };

  // NOTE: wrapping history's methods is the only signal a single-page app's navigation gives
  // (popstate fires only for back and forward). The wrappers call through unchanged.
  const restore: (() => void)[] = [];
  for (const name of ['pushState', 'replaceState'] as const) {
    const original = history[name];
    const wrapped = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      check();
      return result;
    };
    history[name] = wrapped;
    restore.push(() => {
      // Only our own wrapper: a library that wrapped it after us keeps its wrapper.
      if (history[name] === wrapped) history[name] = original;
    });
  }
  addEventListener('popstate', check);
  addEventListener('hashchange', check);
  const titles = new MutationObserver(check);
  titles.observe(document.head, { subtree: true, childList: true, characterData: true });
  emit(); // the page the visitor is on now, at once

  return () => {
    clearTimeout(timer);
    for (const undo of restore) undo();
    removeEventListener('popstate', check);
    removeEventListener('hashchange', check);
    titles.disconnect();
  };
}

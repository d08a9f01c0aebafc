/**
 * The scrolling of a history that grows at both ends: pinned to the bottom while the reader is
 * there (also when the composer grows or the window resizes), jumping to the bottom when `grown`
 * rises (the reader's own new message), keeping the reader's place when older messages go in above,
 * and loading the older page when the reader reaches the top. Optionally it opens at an anchor
 * (the first unread message) instead of the bottom, and says whether the reader is at the bottom.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

/** How close to an edge (px) counts as being at it. */
const EDGE = 64;
/** Room left above an anchor when the history opens at it. */
const ANCHOR_MARGIN = 8;

/** A paged history, as the room chat and a support conversation offer it. */
export interface OlderPages {
  hasMore: { peek(): boolean };
  olderStatus: { peek(): string };
  loadOlder(): Promise<unknown>;
}

export interface HistoryScrollOptions {
  /**
   * Where to open, checked on each layout until it answers something but 'wait': an element to
   * put at the top (the "New" divider), null for the bottom, 'wait' while the history that holds
   * it is still loading.
   */
  anchor?: () => HTMLElement | null | 'wait';
}

/**
 * `firstSeq`: the seq of the oldest message shown; `grown`: a count that rises when the view must
 * follow to the bottom; `redraw`: anything else whose change re-lays the list out (the same
 * number of values on every render, as for any hook's dependencies).
 */
export function useHistoryScroll(
  history: OlderPages,
  firstSeq: number,
  grown: number,
  redraw: readonly unknown[],
  options: HistoryScrollOptions = {},
) {
  const scroller = useRef<HTMLDivElement>(null);
  const place = useRef({ first: 0, height: 0, atBottom: true, grown: 0, placed: !options.anchor });
  const [atBottom, setAtBottom] = useState(true);

  const settle = (el: HTMLDivElement) => {
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < EDGE;
    place.current.atBottom = bottom;
    setAtBottom(bottom);
  };

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const p = place.current;
    const anchor = p.placed ? null : (options.anchor?.() ?? null);
    if (!p.placed && anchor !== 'wait') {
      p.placed = true;
      if (anchor) {
        const top = anchor.getBoundingClientRect().top - el.getBoundingClientRect().top + el.scrollTop;
        el.scrollTop = Math.max(0, top - ANCHOR_MARGIN);
        settle(el);
      } else {
        el.scrollTop = el.scrollHeight;
        p.atBottom = true;
      }
    } else if (p.first > 0 && firstSeq > 0 && firstSeq < p.first) {
      // Older messages went in above: keep what the reader was looking at where it was.
      el.scrollTop += el.scrollHeight - p.height;
    } else if (p.atBottom || grown > p.grown) {
      el.scrollTop = el.scrollHeight;
      p.atBottom = true;
      setAtBottom(true);
    }
    p.first = firstSeq;
    p.height = el.scrollHeight;
    p.grown = grown;
  }, [firstSeq, grown, ...redraw]);

  // The composer growing, or the window resizing, must not lift the newest message out of view.
  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (place.current.atBottom) el.scrollTop = el.scrollHeight;
      place.current.height = el.scrollHeight;
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    settle(el);
    if (el.scrollTop < EDGE && history.hasMore.peek() && history.olderStatus.peek() !== 'loading') {
      void history.loadOlder();
    }
  };

  /** Scrolls to the newest message and stays there. */
  const toBottom = () => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    place.current.atBottom = true;
    setAtBottom(true);
  };

  return { scroller, onScroll, atBottom, toBottom };
}

/** How a measurement window's markers read in a progress line. */
import type { WindowStats } from './types.js';

/** `[load generator bound ...] [noisy ...]` for a progress line, or ''. */
export function windowFlags(w: WindowStats): string {
  const out: string[] = [];
  if (w.loadGenBound) {
    out.push(
      `[load generator bound: it used ${w.loadGenCpuPct.toFixed(0)} % of its core, which was ${w.loadGenCorePct?.toFixed(0) ?? '?'} % busy]`,
    );
  }
  if (w.noisy) {
    out.push(
      `[noisy: other processes took ${w.serverCoreOtherPct?.toFixed(0) ?? '?'} % of the server's core, ${w.loadGenCoreOtherPct?.toFixed(0) ?? '?'} % of the load generator's]`,
    );
  }
  return out.length ? ` ${out.join(' ')}` : '';
}

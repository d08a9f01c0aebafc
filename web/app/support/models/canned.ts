/**
 * Canned responses: replies agents reuse, typed as `/shortcut` in the reply box. The list is
 * shared by every agent; the reply box suggests from it as the agent types.
 *
 * @example
 * cannedQuery('Thanks! /ship', 13); // { start: 8, prefix: 'ship' }
 * matchCanned(list, 'ship');        // those whose shortcut starts with "ship", shortest first
 */
import { type ReadonlySignal, signal } from '@preact/signals';
import type { Api, ApiResult, CannedResponse } from '../../common/api.js';
import type { LoadStatus } from '../../common/models/load.js';

export interface Canned {
  readonly list: ReadonlySignal<CannedResponse[]>;
  readonly load: ReadonlySignal<LoadStatus>;
  readonly error: ReadonlySignal<string | null>;
  refresh(): Promise<void>;
  create(shortcut: string, text: string): Promise<ApiResult<unknown>>;
  remove(id: string): Promise<ApiResult<unknown>>;
}

/** A shortcut is what the server takes: 1-32 of a-z 0-9 _ -. */
export const SHORTCUT = /^[a-z0-9_-]{1,32}$/;

/**
 * The `/shortcut` being typed just before the caret, if any: a slash at the start or after a
 * space, then shortcut characters up to the caret.
 */
export function cannedQuery(text: string, caret: number): { start: number; prefix: string } | null {
  const before = text.slice(0, caret);
  const match = /(?:^|\s)\/([a-z0-9_-]{0,32})$/.exec(before);
  if (!match) return null;
  const prefix = match[1] ?? '';
  return { start: caret - prefix.length - 1, prefix };
}

/** Canned responses whose shortcut starts with `prefix`: exact match first, then shortest. */
export function matchCanned(list: readonly CannedResponse[], prefix: string, max = 6): CannedResponse[] {
  return list
    .filter((c) => c.shortcut.startsWith(prefix))
    .sort((a, b) => a.shortcut.length - b.shortcut.length || a.shortcut.localeCompare(b.shortcut))
    .slice(0, max);
}

/** `text` with the `/prefix` at `start` (up to `caret`) replaced by the response; and the new caret. */
export function insertCanned(
  text: string,
  start: number,
  caret: number,
  response: string,
): { text: string; caret: number } {
  const next = text.slice(0, start) + response + text.slice(caret);
  return { text: next, caret: start + response.length };
}

export function createCanned(api: Api): Canned {
  const list = signal<CannedResponse[]>([]);
  const load = signal<LoadStatus>('idle');
  const error = signal<string | null>(null);

  async function refresh(): Promise<void> {
    if (load.peek() !== 'ready') load.value = 'loading';
    const result = await api.canned();
    if (!result.ok) {
      error.value = result.message || null;
      if (load.peek() !== 'ready') load.value = 'error';
      return;
    }
    list.value = result.value.canned;
    error.value = null;
    load.value = 'ready';
  }

  return {
    list,
    load,
    error,
    refresh,
    async create(shortcut, text) {
      const result = await api.createCanned({ shortcut, text });
      if (result.ok) await refresh();
      return result;
    },
    async remove(id) {
      const result = await api.deleteCanned(id);
      await refresh();
      return result;
    },
  };
}

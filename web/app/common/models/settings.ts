/**
 * What the signed-in user chose for themself, from `GET /api/me/settings`. Until it loads, the
 * defaults hold (read receipts on), as they do for a new account.
 *
 * @example
 * const settings = createSettings(api);
 * await settings.load();
 * const result = await settings.setReadReceipts(false);
 */
import { type ReadonlySignal, signal } from '@preact/signals';
import type { ApiSettings } from '../../../../shared/api.js';
import type { Api, ApiResult } from '../api.js';

export interface Settings {
  /** Send read receipts in DMs; off also hides others' receipts. */
  readonly readReceipts: ReadonlySignal<boolean>;
  /** A change on its way to the server. */
  readonly saving: ReadonlySignal<boolean>;
  load(): Promise<void>;
  /** Saves the choice; shown at once, and put back if the server refuses it. */
  setReadReceipts(on: boolean): Promise<ApiResult<{ settings: ApiSettings }>>;
}

export function createSettings(api: Api): Settings {
  const readReceipts = signal(true);
  const saving = signal(false);
  return {
    readReceipts,
    saving,
    async load() {
      const result = await api.settings();
      if (result.ok && !saving.peek()) readReceipts.value = result.value.settings.readReceipts;
    },
    async setReadReceipts(on) {
      const before = readReceipts.peek();
      readReceipts.value = on;
      saving.value = true;
      const result = await api.updateSettings({ readReceipts: on });
      saving.value = false;
      readReceipts.value = result.ok ? result.value.settings.readReceipts : before;
      return result;
    },
  };
}

/** `/invite/<token>`: accepts an invite link for the signed-in user and opens its room. */
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import type { Api } from '../../common/api.js';
import type { Catalog } from '../../common/i18n.js';
import type { Router } from '../../common/models/router.js';
import { apiErrorText } from '../../common/text-errors.js';
import type { Rooms } from '../models/rooms.js';

export function InvitePage({
  token,
  api,
  rooms,
  router,
  t,
}: {
  token: string;
  api: Api;
  rooms: Rooms;
  router: Router;
  t: Catalog;
}) {
  const error = useSignal<string | null>(null);
  useEffect(() => {
    let gone = false;
    void api.acceptInvite(token).then(async (result) => {
      if (gone) return;
      if (!result.ok) {
        error.value = apiErrorText(t, result);
        return;
      }
      await rooms.refresh();
      router.navigate(`/rooms/${encodeURIComponent(result.value.room.id)}`, { replace: true });
    });
    return () => {
      gone = true;
    };
  }, [token]);
  return error.value ? (
    <p class="placeholder form-error" role="alert">
      {error.value}
    </p>
  ) : (
    <p class="placeholder">{t.loading}</p>
  );
}

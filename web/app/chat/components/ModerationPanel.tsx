/**
 * A room's owners and moderators: add someone by name, make an invite link, and mute, ban or
 * remove someone who is here. The server checks the role again on every action; errors are shown
 * in the reader's language from their codes.
 */
import { useSignal } from '@preact/signals';
import type { UserRef } from '../../../../shared/protocol.js';
import type { Api } from '../../common/api.js';
import type { Catalog } from '../../common/i18n.js';
import { apiErrorText } from '../../common/text-errors.js';
import type { RoomEntry } from '../models/rooms.js';

export interface ModerationPanelProps {
  room: RoomEntry;
  api: Api;
  /** Who is in the room now (the people a moderator can act on at a glance). */
  present: UserRef[];
  meId: string;
  t: Catalog;
}

export function ModerationPanel({ room, api, present, meId, t }: ModerationPanelProps) {
  const name = useSignal('');
  const note = useSignal<string | null>(null);
  const error = useSignal<string | null>(null);
  const link = useSignal<string | null>(null);
  const pending = useSignal(false);

  const run = async <T,>(
    work: () => Promise<{ ok: true; value: T } | { ok: false; code: string; message: string }>,
    done: string,
  ) => {
    pending.value = true;
    error.value = null;
    note.value = null;
    const result = await work();
    pending.value = false;
    if (result.ok) note.value = done;
    else error.value = apiErrorText(t, result);
    return result;
  };

  const add = async (event: Event) => {
    event.preventDefault();
    const who = name.value.trim();
    if (!who) return;
    const result = await run(() => api.invite(room.id, who), t.added(who));
    if (result.ok) name.value = '';
  };
  const makeLink = async () => {
    const result = await run(() => api.inviteLink(room.id), t.inviteLinkMade);
    if (result.ok) link.value = `${location.origin}${result.value.path}`;
  };

  return (
    <details class="moderation">
      <summary class="button ghost small" aria-label={t.manageRoomTitle(room.title)}>
        {t.manageRoom}
      </summary>
      <div class="moderation-pop" aria-busy={pending.value}>
        <form class="moderation-add" onSubmit={add}>
          <label>
            {t.addByName}
            <input value={name.value} onInput={(e) => (name.value = e.currentTarget.value)} maxLength={64} />
          </label>
          <button type="submit" class="button small" disabled={pending.value}>
            {t.addPerson}
          </button>
        </form>
        <button type="button" class="button ghost small" onClick={makeLink} disabled={pending.value}>
          {t.makeInviteLink}
        </button>
        {link.value && (
          <input class="invite-link" readOnly value={link.value} aria-label={t.makeInviteLink} />
        )}
        <ul class="moderation-list">
          {present
            .filter((u) => u.id !== meId)
            .map((u) => (
              <li key={u.id}>
                <span>{u.name}</span>
                <fieldset class="moderation-actions" aria-label={t.moderateMember(u.name)}>
                  <button
                    type="button"
                    class="button ghost small"
                    onClick={() => run(() => api.moderate(room.id, u.id, 'mute', 10), t.moderated(u.name))}
                  >
                    {t.muteTenMinutes}
                  </button>
                  <button
                    type="button"
                    class="button ghost small"
                    onClick={() => run(() => api.moderate(room.id, u.id, 'ban'), t.moderated(u.name))}
                  >
                    {t.banMember}
                  </button>
                  <button
                    type="button"
                    class="button ghost small"
                    onClick={() => run(() => api.moderate(room.id, u.id, 'remove'), t.moderated(u.name))}
                  >
                    {t.removeMember}
                  </button>
                </fieldset>
              </li>
            ))}
        </ul>
        {note.value && (
          <p class="muted" role="status">
            {note.value}
          </p>
        )}
        {error.value && (
          <p class="form-error" role="alert">
            {error.value}
          </p>
        )}
      </div>
    </details>
  );
}

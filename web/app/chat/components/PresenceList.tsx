/** Who is in the room right now: a few faces and a count; the full list one click away. */
import type { UserRef } from '../../../../shared/protocol.js';
import { Avatar } from '../../common/components/Avatar.js';
import type { Catalog } from '../../common/i18n.js';

const FACES = 4;

export interface PresenceListProps {
  users: UserRef[];
  meId: string;
  t: Catalog;
  /** Opens a direct message with someone listed (not offered for the user themself). */
  onMessage?: ((user: UserRef) => void) | undefined;
}

export function PresenceList({ users, meId, t, onMessage }: PresenceListProps) {
  return (
    <details class="presence">
      <summary>
        <span class="faces" aria-hidden="true">
          {users.slice(0, FACES).map((u) => (
            <Avatar key={u.id} id={u.id} name={u.name} small />
          ))}
        </span>
        <span class="presence-count">{t.onlineCount(users.length)}</span>
      </summary>
      <div class="presence-pop">
        <h2 class="section-title">{t.onlineNow}</h2>
        <ul class="presence-list" aria-label={t.onlineNow}>
          {users.map((u) => (
            <li key={u.id}>
              <Avatar id={u.id} name={u.name} small />
              <span class="presence-name">{u.name}</span>
              {u.id === meId && <span class="muted"> {t.you}</span>}
              {u.id !== meId && onMessage && (
                <button
                  type="button"
                  class="button link small presence-message"
                  aria-label={t.messagePerson(u.name)}
                  onClick={() => onMessage(u)}
                >
                  {t.messageAction}
                </button>
              )}
            </li>
          ))}
        </ul>
      </div>
    </details>
  );
}

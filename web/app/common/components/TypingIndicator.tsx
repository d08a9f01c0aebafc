/** "alice is typing…", announced politely; the line keeps its height so the list does not jump. */
import type { UserRef } from '../../../../shared/protocol.js';
import type { Catalog } from '../i18n.js';

export function TypingIndicator({ users, t }: { users: UserRef[]; t: Catalog }) {
  return (
    <div class="typing" aria-live="polite">
      {users.length > 0 && (
        <>
          <span class="typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          {t.typing(users.map((u) => u.name))}
        </>
      )}
    </div>
  );
}

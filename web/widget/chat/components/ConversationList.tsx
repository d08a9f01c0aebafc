/** A returning visitor's conversations, newest first, with their unread replies. */
import type { ChatModel } from '../model.js';

export function ConversationList({ model }: { model: ChatModel }) {
  const { t } = model;
  const threads = model.threads.value;
  return (
    <div class="b">
      <h3 class="lh">{t.conversations}</h3>
      <ul class="cl">
        {model.conversations.value.map((conv) => {
          const unread = threads.find((th) => th.id === conv.id)?.unread.value ?? 0;
          return (
            <li key={conv.id}>
              <button type="button" class="ci" onClick={() => model.openConversation(conv.id)}>
                <span class="cp">
                  {conv.lastFrom === 'visitor' && `${t.you}: `}
                  {conv.lastPreview || t.noPreview}
                </span>
                <span class="cm">{t.time(conv.lastActivityAt)}</span>
                {unread > 0 && <span class="bd">{t.unread(unread)}</span>}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

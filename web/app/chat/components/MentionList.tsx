/**
 * `@` completion for the composer: while the word at the caret is `@` and a name's beginning, the
 * room's members whose name starts so are offered in a listbox under the message box (and `@room`
 * to owners and moderators). Arrows move, Enter or Tab picks, Escape closes; the message box keeps
 * the focus and names the highlighted option (aria-activedescendant), as a combobox's input does.
 */
import type { ApiMember } from '../../../../shared/api.js';
import { ROOM_MENTION } from '../../../../shared/mentions.js';
import type { Catalog } from '../../common/i18n.js';

/** The `@name` being typed at the caret: where its `@` is and what follows it. */
export interface MentionQuery {
  start: number;
  query: string;
}

const AT_CARET = /(?:^|[^\p{L}\p{M}\p{N}_.@/-])@([\p{L}\p{M}\p{N}_.-]{0,32})$/u;

export function mentionQueryAt(text: string, caret: number): MentionQuery | null {
  const match = AT_CARET.exec(text.slice(0, caret));
  if (!match) return null;
  const query = match[1] as string;
  return { start: caret - query.length - 1, query };
}

/** An option: a member, or everyone (`@room`). */
export type MentionOption = { kind: 'member'; member: ApiMember } | { kind: 'room' };

export const optionName = (option: MentionOption): string =>
  option.kind === 'room' ? ROOM_MENTION : option.member.username;

/** The text with `@query` replaced by the picked name and a space; and where the caret goes. */
export function applyMention(
  text: string,
  at: MentionQuery,
  option: MentionOption,
): { text: string; caret: number } {
  const inserted = `@${optionName(option)} `;
  const end = at.start + 1 + at.query.length;
  const rest = text.slice(end).replace(/^ /, '');
  return { text: text.slice(0, at.start) + inserted + rest, caret: at.start + inserted.length };
}

export interface MentionListProps {
  id: string;
  options: MentionOption[];
  active: number;
  t: Catalog;
  onPick(option: MentionOption): void;
}

export const optionId = (listId: string, index: number): string => `${listId}-${index}`;

export function MentionList({ id, options, active, t, onPick }: MentionListProps) {
  return (
    <div id={id} class="mention-list" role="listbox" aria-label={t.mentionSuggestions}>
      {options.map((option, i) => (
        <div
          key={optionName(option)}
          id={optionId(id, i)}
          role="option"
          aria-selected={i === active}
          // The message box keeps the focus; the option is named by aria-activedescendant.
          tabIndex={-1}
          class={`mention-option${i === active ? ' active' : ''}`}
          // mousedown, not click: the message box must keep the focus (and its caret).
          onMouseDown={(event) => {
            event.preventDefault();
            onPick(option);
          }}
        >
          <span class="mention-name">@{optionName(option)}</span>
          {option.kind === 'room' && <span class="mention-hint">{t.mentionRoom}</span>}
        </div>
      ))}
    </div>
  );
}

/**
 * The members of one room by name prefix, for `@` completion. Answers are kept for the life of
 * the composer, and a longer prefix is answered from a shorter one's answer when that one was
 * complete (fewer than a page), so typing a name asks the server once or twice, not per key.
 */
import type { ApiMember } from '../../../../shared/api.js';
import type { Api } from '../../common/api.js';

/** The page the server answers (api.members asks for 8). */
const PAGE = 8;

export interface MemberSearch {
  /** Members whose name starts with `prefix` (any case); [] when the look-up fails. */
  find(prefix: string): Promise<ApiMember[]>;
}

const fold = (s: string): string => s.normalize('NFKC').toLowerCase();

export function createMemberSearch(api: Api, roomId: string): MemberSearch {
  const answers = new Map<string, Promise<ApiMember[]>>();
  return {
    find(prefix) {
      const key = fold(prefix);
      const held = answers.get(key);
      if (held) return held;
      for (let n = key.length - 1; n >= 0; n--) {
        const shorter = answers.get(key.slice(0, n));
        if (!shorter) continue;
        const narrowed = shorter.then(async (list) =>
          list.length < PAGE ? list.filter((m) => fold(m.username).startsWith(key)) : ask(key),
        );
        answers.set(key, narrowed);
        return narrowed;
      }
      const answer = ask(key);
      answers.set(key, answer);
      return answer;
    },
  };

  async function ask(key: string): Promise<ApiMember[]> {
    const result = await api.members(roomId, key);
    if (result.ok) return result.value.members;
    answers.delete(key);
    return [];
  }
}

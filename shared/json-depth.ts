/**
 * How deeply a parsed JSON value nests arrays and objects. JSON.parse copes with any depth, but
 * code that walks the value afterwards (JSON.stringify, validators, storage) recurses and runs out
 * of stack on `[[[[...]]]]` 100,000 deep: the one parse step checks this first, without recursing.
 */

/** The deepest nesting past `limit` and the top-level field it is under, or null when within it. */
export function nestingOverLimit(
  value: unknown,
  limit: number,
): { depth: number; field: string | null } | null {
  let deepest = 0;
  let field: string | null = null;
  // NOTE: an explicit stack, never recursion: the input is what would overflow one.
  const stack: { item: object; depth: number; top: string | null }[] = [];
  if (typeof value === 'object' && value !== null) stack.push({ item: value, depth: 1, top: null });
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { item, depth, top } = next;
    if (depth > deepest) {
      deepest = depth;
      field = top;
    }
    const entries: [string, unknown][] = Array.isArray(item)
      ? item.map((child, i) => [String(i), child])
      : Object.entries(item);
    for (const [key, child] of entries) {
      if (typeof child === 'object' && child !== null) {
        stack.push({ item: child, depth: depth + 1, top: top ?? key });
      }
    }
  }
  return deepest > limit ? { depth: deepest, field } : null;
}

/** "data is nested 40 deep; the limit is 32", counting the outermost value as level 1. */
export function nestingMessage(
  over: { depth: number; field: string | null },
  limit: number,
  whole: string,
): string {
  const where = over.field === null ? whole : `${over.field} (in the ${whole})`;
  return `${where} is nested ${over.depth} deep; the limit is ${limit}, counting the ${whole} itself as 1`;
}

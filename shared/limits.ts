/** Limits shared by server validation and client-side checks, so both say the same thing. */
export const Limits = {
  /** Longest chat message, in Unicode code points. */
  messageChars: 4000,
  /** Largest WebSocket frame or HTTP body the server reads, in bytes. */
  frameBytes: 64 * 1024,
  roomTitleBytes: 200,
  roomTopicBytes: 1000,
  usernameMinBytes: 3,
  usernameMaxBytes: 32,
  passwordMinChars: 8,
  /** scrypt work grows with input; bound it so a huge password is not a denial of service. */
  passwordMaxBytes: 1024,
  /**
   * Deepest nesting of arrays and objects in any JSON body or frame the server reads (the body
   * itself is level 1). Bounded so that no code walking the value (JSON.stringify among them)
   * can run out of stack.
   */
  jsonDepth: 32,
  /** Messages per history page, at most. */
  historyPage: 200,
} as const;

export const utf8Bytes = (s: string): number => new TextEncoder().encode(s).length;

/** Counts code points, not UTF-16 units: an emoji is one character, as a user would count it. */
export function codePoints(s: string): number {
  // Fast path for the common case: all BMP characters (no surrogates), one unit each.
  if (!/[\uD800-\uDFFF]/.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

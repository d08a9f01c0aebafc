/**
 * The benchmark's message text, the same for every server: `@<t>@<k>@ <padding>`, 80 characters,
 * where `t` is the sender's clock in whole microseconds and `k` the message's number in this load
 * generator. Receivers read both without parsing the frame's JSON: the text is the first place a
 * `"@` occurs in any frame that carries it (no id, name or stream name may contain `@`).
 */

const PAD = 'the quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs';
export const TEXT_CHARS = 80;

/** Microseconds on this process's monotonic clock (sender and receivers share the process). */
export const nowMicros = (): number => Math.round(performance.now() * 1000);

export function messageText(k: number, t: number): string {
  const head = `@${t}@${k}@ `;
  return head + PAD.slice(0, TEXT_CHARS - head.length);
}

/** The last marker read by `readMarker`: reused, so reading allocates nothing. */
export const marker = { t: 0, k: 0 };

const QUOTE = 0x22;
const AT = 0x40;

/** Reads `t` and `k` from an encoded frame into `marker`; false when the frame has no marker. */
export function readMarker(frame: Buffer): boolean {
  let i = frame.indexOf(AT);
  while (i > 0 && frame[i - 1] !== QUOTE) i = frame.indexOf(AT, i + 1);
  if (i < 0) return false;
  let t = 0;
  let c = frame[++i] as number;
  while (c >= 0x30 && c <= 0x39) {
    t = t * 10 + (c - 0x30);
    c = frame[++i] as number;
  }
  if (c !== AT) return false;
  let k = 0;
  c = frame[++i] as number;
  while (c >= 0x30 && c <= 0x39) {
    k = k * 10 + (c - 0x30);
    c = frame[++i] as number;
  }
  if (c !== AT) return false;
  marker.t = t;
  marker.k = k;
  return true;
}

/** The same for a text already decoded (Socket.IO hands the client objects). */
export function readMarkerText(text: string): boolean {
  if (text.charCodeAt(0) !== AT) return false;
  const second = text.indexOf('@', 1);
  const third = text.indexOf('@', second + 1);
  if (second < 0 || third < 0) return false;
  marker.t = Number(text.slice(1, second));
  marker.k = Number(text.slice(second + 1, third));
  return Number.isFinite(marker.t) && Number.isFinite(marker.k);
}

/** `{"type":"msg"` at the start: a broadcast message of Switchboard or of the ws baselines. */
export function isMsgFrame(frame: Buffer): boolean {
  return (
    frame.length > 14 &&
    frame[9] === 0x6d && // m
    frame[10] === 0x73 && // s
    frame[11] === 0x67 && // g
    frame[12] === QUOTE &&
    frame[2] === 0x74 // t of "type"
  );
}

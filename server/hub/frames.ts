/** Builders for server frames, so every place that emits one shapes it the same way. */
import type { ErrorCode } from '../../shared/codes.js';
import type { ErrorFrame, MsgFrame } from '../../shared/protocol.js';
import type { LogEntry } from '../storage/storage.js';

/** The stored body of a chat message. */
export const messageBody = (text: string): string => JSON.stringify({ text });

export function msgFrame(entry: LogEntry, text?: string): MsgFrame {
  return {
    type: 'msg',
    stream: entry.stream,
    seq: entry.seq,
    id: entry.id,
    ts: entry.ts,
    from: { id: entry.senderId, name: entry.senderName },
    clientMsgId: entry.clientMsgId,
    text: text ?? textOf(entry.body),
  };
}

function textOf(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && 'text' in parsed) {
      return String((parsed as { text: unknown }).text);
    }
  } catch {
    // fall through: a body we cannot read is shown empty rather than crashing a replay
  }
  return '';
}

export function errorFrame(
  code: ErrorCode,
  message: string,
  extra: { ref?: string; retryAfterMs?: number } = {},
): ErrorFrame {
  return { type: 'error', code, message, ...extra };
}

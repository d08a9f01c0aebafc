/** Builders for server frames, so every place that emits one shapes it the same way. */
import type { ErrorCode } from '../../shared/codes.js';
import type {
  Change,
  ChangeFrame,
  ErrorFrame,
  EventFrame,
  LogFrame,
  MsgFrame,
} from '../../shared/protocol.js';
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

/** The stored body of a pushed event. */
export const eventBody = (event: string, data: unknown): string => JSON.stringify({ event, data });

export function eventFrame(entry: LogEntry): EventFrame {
  const { event, data } = parseBody(entry.body);
  return {
    type: 'event',
    stream: entry.stream,
    seq: entry.seq,
    id: entry.id,
    ts: entry.ts,
    event: typeof event === 'string' ? event : '',
    data: data ?? null,
  };
}

/** The stored body of a change (kind `change`): the change itself. */
export const changeBody = (change: Change): string => JSON.stringify(change);

export function changeFrame(entry: LogEntry): ChangeFrame {
  return {
    type: 'change',
    stream: entry.stream,
    seq: entry.seq,
    id: entry.id,
    ts: entry.ts,
    from: { id: entry.senderId, name: entry.senderName },
    // NOTE: stored by this server from a validated Change; an entry of a kind a later version
    // added reaches an older client as a log entry it skips (see DecodeError.logEntry).
    change: parseBody(entry.body) as Change,
  };
}

/** The frame for any log entry, by its kind. */
export function entryFrame(entry: LogEntry): LogFrame {
  switch (entry.kind) {
    case 'event':
      return eventFrame(entry);
    case 'change':
      return changeFrame(entry);
    default:
      return msgFrame(entry);
  }
}

function parseBody(body: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function textOf(body: string): string {
  // A body we cannot read is shown empty rather than crashing a replay.
  const { text } = parseBody(body);
  return typeof text === 'string' ? text : '';
}

export function errorFrame(
  code: ErrorCode,
  message: string,
  extra: { ref?: string; retryAfterMs?: number } = {},
): ErrorFrame {
  return { type: 'error', code, message, ...extra };
}

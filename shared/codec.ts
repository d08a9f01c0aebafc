/**
 * The one total parse-and-validate step for everything that arrives from the network, and the one
 * encoder for everything that leaves. `decode*` never throws: it returns a frame or a typed error.
 */
import * as v from 'valibot';
import { nestingMessage, nestingOverLimit } from './json-depth.js';
import { Limits } from './limits.js';
import { ClientFrame, ServerFrame } from './protocol.js';

export interface DecodeError {
  code: 'bad_json' | 'unknown_type' | 'invalid_frame';
  message: string;
  /** The clientMsgId (or stream) of the broken frame, when it had one, so a sender can match it. */
  ref?: string;
  /**
   * Set when a server frame this build cannot read still carries a `stream` and a `seq`: a log
   * entry of a type (or change kind) added after this client was built. The client skips it but
   * moves its cursor past it, so it neither shows it nor mistakes it for a gap.
   */
  logEntry?: { stream: string; seq: number };
}

export type Decoded<T> = { ok: true; frame: T } | { ok: false; error: DecodeError };

type FrameSchema = typeof ClientFrame | typeof ServerFrame;

const typesOf = (schema: FrameSchema): ReadonlySet<string> =>
  new Set(schema.options.map((option) => option.entries.type.literal));

const clientTypes = typesOf(ClientFrame);
const serverTypes = typesOf(ServerFrame);

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = issue.path?.map((item) => String(item.key)).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

function refOf(value: Record<string, unknown>): string | undefined {
  if (typeof value.clientMsgId === 'string') return value.clientMsgId.slice(0, 64);
  if (typeof value.stream === 'string') return value.stream.slice(0, 80);
  return undefined;
}

function logEntryOf(record: Record<string, unknown>): { stream: string; seq: number } | undefined {
  const { stream, seq } = record;
  if (typeof stream !== 'string' || typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return;
  return { stream, seq };
}

function validate<T>(schema: FrameSchema, known: ReadonlySet<string>, value: unknown): Decoded<T> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: { code: 'invalid_frame', message: 'a frame must be a JSON object' } };
  }
  const record = value as Record<string, unknown>;
  const type = record.type;
  if (typeof type !== 'string') {
    return { ok: false, error: { code: 'invalid_frame', message: 'type must be a string' } };
  }
  // NOTE: a Set lookup, never `handlers[type]`: "__proto__" or "constructor" must be unknown.
  const entry = schema === ServerFrame ? logEntryOf(record) : undefined;
  if (!known.has(type)) {
    const error: DecodeError = {
      code: 'unknown_type',
      message: `unknown frame type "${type.slice(0, 40)}"; expected one of ${[...known].join(', ')}`,
    };
    if (entry) error.logEntry = entry;
    return { ok: false, error };
  }
  const result = v.safeParse(schema, value);
  if (result.success) return { ok: true, frame: result.output as T };
  const error: DecodeError = {
    code: 'invalid_frame',
    message: `${type}: ${describeIssue(result.issues[0])}`,
  };
  const ref = refOf(record);
  if (ref !== undefined) error.ref = ref;
  if (entry) error.logEntry = entry;
  return { ok: false, error };
}

function parseJson(raw: string): { ok: true; value: unknown } | { ok: false; error: DecodeError } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    const detail = err instanceof Error ? err.message : 'unparseable';
    return { ok: false, error: { code: 'bad_json', message: `frame is not valid JSON: ${detail}` } };
  }
  const over = nestingOverLimit(value, Limits.jsonDepth);
  if (over) {
    return {
      ok: false,
      error: { code: 'invalid_frame', message: nestingMessage(over, Limits.jsonDepth, 'frame') },
    };
  }
  return { ok: true, value };
}

/** Validates an already-parsed value (for example one element of a long-poll body). */
export function decodeClientValue(value: unknown): Decoded<ClientFrame> {
  try {
    return validate<ClientFrame>(ClientFrame, clientTypes, value);
  } catch {
    return { ok: false, error: { code: 'invalid_frame', message: 'frame could not be validated' } };
  }
}

export function decodeClientFrame(raw: string): Decoded<ClientFrame> {
  const parsed = parseJson(raw);
  return parsed.ok ? decodeClientValue(parsed.value) : parsed;
}

export function decodeServerValue(value: unknown): Decoded<ServerFrame> {
  try {
    return validate<ServerFrame>(ServerFrame, serverTypes, value);
  } catch {
    return { ok: false, error: { code: 'invalid_frame', message: 'frame could not be validated' } };
  }
}

export function decodeServerFrame(raw: string): Decoded<ServerFrame> {
  const parsed = parseJson(raw);
  return parsed.ok ? decodeServerValue(parsed.value) : parsed;
}

const encoded = new WeakMap<object, string>();

/**
 * Serializes a frame once, however many sockets it goes to: a broadcast hands the same frame
 * object to every subscriber, and each gets the cached string.
 */
export function encodeFrame(frame: object): string {
  let text = encoded.get(frame);
  if (text === undefined) {
    text = JSON.stringify(frame);
    encoded.set(frame, text);
  }
  return text;
}

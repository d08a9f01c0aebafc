/**
 * Validates a broker message that arrived over the network (from Redis): it is JSON that another
 * process wrote, or anyone with access to the channel did, so it is `unknown` until checked here.
 * Never throws. Frames go through the one frame decoder; the two control shapes are checked here.
 *
 * @example
 * const decoded = decodeBrokerMessage(text);
 * if (decoded.ok) deliver(decoded.message); else dropped++;
 */
import { decodeServerValue } from '../../shared/codec.js';
import type { BrokerMessage, ControlMessage } from './broker.js';

const CONTROL_TYPES = new Set(['member', 'revoke', 'poll', 'role', 'account']);

export type DecodedBrokerMessage = { ok: true; message: BrokerMessage } | { ok: false; reason: string };

function decodeControl(record: Record<string, unknown>): ControlMessage | null {
  switch (record.type) {
    case 'member':
      return typeof record.stream === 'string' && typeof record.joined === 'boolean'
        ? { type: 'member', stream: record.stream, joined: record.joined }
        : null;
    case 'revoke':
      return typeof record.sessionId === 'string' ? { type: 'revoke', sessionId: record.sessionId } : null;
    case 'poll':
      return typeof record.cid === 'string' && typeof record.pollId === 'string'
        ? { type: 'poll', cid: record.cid, pollId: record.pollId }
        : null;
    case 'role':
      return record.role === 'user' || record.role === 'agent' || record.role === 'admin'
        ? { type: 'role', role: record.role }
        : null;
    case 'account':
      return record.close === 'signed_out' ||
        record.close === 'account_suspended' ||
        record.close === 'account_deleted'
        ? { type: 'account', close: record.close }
        : null;
    default:
      return null;
  }
}

export function decodeBrokerMessage(raw: string): DecodedBrokerMessage {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  return decodeBrokerValue(value);
}

/** As decodeBrokerMessage, for a value already parsed (the inside of an envelope). */
export function decodeBrokerValue(value: unknown): DecodedBrokerMessage {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    if (CONTROL_TYPES.has(record.type as string)) {
      const control = decodeControl(record);
      return control
        ? { ok: true, message: control }
        : { ok: false, reason: `invalid ${record.type} message` };
    }
  }
  const frame = decodeServerValue(value);
  return frame.ok ? { ok: true, message: frame.frame } : { ok: false, reason: frame.error.message };
}

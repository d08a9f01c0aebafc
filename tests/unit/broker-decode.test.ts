import { describe, expect, it } from 'vitest';
import { decodeBrokerMessage } from '../../server/broker/decode.js';

describe('decodeBrokerMessage (what a network broker hands to handlers)', () => {
  it('accepts the two control messages, keeping only their known fields', () => {
    expect(decodeBrokerMessage('{"type":"member","stream":"room:lobby","joined":true,"x":1}')).toEqual({
      ok: true,
      message: { type: 'member', stream: 'room:lobby', joined: true },
    });
    expect(decodeBrokerMessage('{"type":"revoke","sessionId":"s-1"}')).toEqual({
      ok: true,
      message: { type: 'revoke', sessionId: 's-1' },
    });
  });

  it('accepts a valid server frame', () => {
    const frame = {
      type: 'presence',
      stream: 'room:lobby',
      kind: 'leave',
      users: [{ id: 'u-1', name: 'a' }],
    };
    expect(decodeBrokerMessage(JSON.stringify(frame))).toEqual({ ok: true, message: frame });
  });

  it.each([
    ['not JSON', 'not json'],
    ['an array', '[1,2]'],
    ['null', 'null'],
    ['a prototype key as type', '{"type":"__proto__"}'],
    ['an incomplete frame', '{"type":"msg","stream":"room:lobby"}'],
    ['a member message with a numeric stream', '{"type":"member","stream":1,"joined":true}'],
    ['a member message without joined', '{"type":"member","stream":"room:lobby"}'],
    ['a revoke without sessionId', '{"type":"revoke"}'],
  ])('rejects %s without throwing', (_what, raw) => {
    const decoded = decodeBrokerMessage(raw);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.reason).toMatch(/\S/);
  });
});

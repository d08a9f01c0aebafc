/** One table in server/hub/dispatch.ts holds the handler of every client frame type, and nothing else. */
import { describe, expect, it } from 'vitest';
import { handlers } from '../../server/hub/dispatch.js';
import { ClientFrame } from '../../shared/protocol.js';

describe('frame handlers', () => {
  it('has exactly one handler for each frame type of the protocol', () => {
    const types = ClientFrame.options.map((schema) => schema.entries.type.literal);
    expect([...handlers.keys()].sort()).toEqual([...types].sort());
    for (const handler of handlers.values()) expect(typeof handler).toBe('function');
  });
});

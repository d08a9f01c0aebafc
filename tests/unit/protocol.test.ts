import { describe, expect, it } from 'vitest';
import {
  type DecodeError,
  decodeClientFrame,
  decodeClientValue,
  decodeServerFrame,
  decodeServerValue,
  encodeFrame,
} from '../../shared/codec.js';
import { Limits } from '../../shared/limits.js';
import { type ClientFrame, PROTOCOL_VERSION } from '../../shared/protocol.js';

const json = (value: unknown): string => JSON.stringify(value);
const send = (fields: Record<string, unknown>): string =>
  json({ type: 'send', stream: 'room:lobby', clientMsgId: 'c1', text: 'hi', ...fields });

/** Decodes without letting a throw escape as anything but a failed assertion. */
function decode(raw: string) {
  let result: ReturnType<typeof decodeClientFrame> | undefined;
  expect(() => {
    result = decodeClientFrame(raw);
  }).not.toThrow();
  if (!result) throw new Error('unreachable');
  return result;
}

function expectError(raw: string): DecodeError {
  const result = decode(raw);
  if (result.ok) throw new Error(`expected an error, got frame ${json(result.frame)}`);
  return result.error;
}

describe('decodeClientFrame: valid frames', () => {
  const valid: [string, ClientFrame][] = [
    ['hello', { type: 'hello', v: PROTOCOL_VERSION }],
    ['hello with token', { type: 'hello', v: 1, token: 't'.repeat(200) }],
    ['hello with another version (the hub decides)', { type: 'hello', v: 999 }],
    ['sub, live from now', { type: 'sub', stream: 'room:lobby' }],
    ['sub after a cursor', { type: 'sub', stream: 'room:lobby', after: 41 }],
    ['sub after 0', { type: 'sub', stream: 'user:u1', after: 0 }],
    ['unsub', { type: 'unsub', stream: 'topic:news' }],
    ['send', { type: 'send', stream: 'room:lobby', clientMsgId: 'c1', text: 'hi' }],
    [
      'send with a 64-char clientMsgId',
      { type: 'send', stream: 'conv:a', clientMsgId: 'a'.repeat(64), text: 'x' },
    ],
    [
      'send with padded text (kept as sent)',
      { type: 'send', stream: 'room:a', clientMsgId: 'c-_1', text: '  hi  ' },
    ],
    ['typing on', { type: 'typing', stream: 'room:lobby', active: true }],
    ['typing off', { type: 'typing', stream: 'room:lobby', active: false }],
    ['read', { type: 'read', stream: 'room:lobby', seq: 42 }],
    ['read 0', { type: 'read', stream: 'room:lobby', seq: 0 }],
    ['ping', { type: 'ping' }],
    ['pong', { type: 'pong' }],
    ['every stream kind and id character', { type: 'unsub', stream: 'job:A-z_0.9' }],
    ['a 64-char stream id', { type: 'unsub', stream: `conv:${'x'.repeat(64)}` }],
  ];

  it.each(valid)('accepts %s', (_label, frame) => {
    expect(decode(json(frame))).toEqual({ ok: true, frame });
  });

  it('covers every client frame type', () => {
    const types = new Set(valid.map(([, frame]) => frame.type));
    expect([...types].sort()).toEqual(['hello', 'ping', 'pong', 'read', 'send', 'sub', 'typing', 'unsub']);
  });

  it('strips unknown extra keys from the decoded frame', () => {
    const result = decode(
      '{"type":"send","stream":"room:lobby","clientMsgId":"c1","text":"hi","admin":true,"seq":5,"__proto__":{"polluted":1}}',
    );
    expect(result).toEqual({
      ok: true,
      frame: { type: 'send', stream: 'room:lobby', clientMsgId: 'c1', text: 'hi' },
    });
    if (!result.ok) return;
    expect(Object.keys(result.frame).sort()).toEqual(['clientMsgId', 'stream', 'text', 'type']);
    expect(Object.getPrototypeOf(result.frame)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('strips extra keys from frames without fields too', () => {
    expect(decode('{"type":"ping","at":1}')).toEqual({ ok: true, frame: { type: 'ping' } });
  });
});

describe('decodeClientFrame: text length counts code points', () => {
  const limit = Limits.messageChars;

  it('accepts text of exactly 4000 code points', () => {
    expect(limit).toBe(4000);
    const text = 'a'.repeat(limit);
    expect(decode(send({ text }))).toEqual({ ok: true, frame: expect.objectContaining({ text }) });
  });

  it('accepts 4000 emoji, which are 8000 UTF-16 units', () => {
    const text = '😀'.repeat(limit);
    expect(text.length).toBe(8000);
    expect(decode(send({ text })).ok).toBe(true);
  });

  it('accepts 3999 letters and one emoji', () => {
    expect(decode(send({ text: `${'a'.repeat(limit - 1)}😀` })).ok).toBe(true);
  });

  it.each([
    ['4001 letters', 'a'.repeat(4001)],
    ['4001 emoji', '😀'.repeat(4001)],
    ['4000 letters and one emoji', `${'a'.repeat(4000)}😀`],
  ])('rejects %s as invalid_frame, naming 4001 and the limit 4000', (_label, text) => {
    const error = expectError(send({ text }));
    expect(error.code).toBe('invalid_frame');
    expect(error.message).toContain('4001');
    expect(error.message).toContain('4000');
    expect(error.message).toBe('send: text: text is 4001 characters; the limit is 4000');
    expect(error.ref).toBe('c1');
  });

  it.each([
    ['empty', ''],
    ['spaces', '   '],
    ['tabs and newlines', '\t\n\r\n'],
    ['a no-break and an ideographic space', '\u00a0\u3000'],
  ])('rejects %s text as invalid_frame "text is empty"', (_label, text) => {
    const error = expectError(send({ text }));
    expect(error).toEqual({ code: 'invalid_frame', message: 'send: text: text is empty', ref: 'c1' });
  });
});

describe('decodeClientFrame: errors', () => {
  const cases: [label: string, raw: string, code: DecodeError['code']][] = [
    // Not JSON at all.
    ['the empty string', '', 'bad_json'],
    ['a lone brace', '{', 'bad_json'],
    ['a truncated literal', 'nul', 'bad_json'],
    ['a trailing comma', '{"type":"ping",}', 'bad_json'],
    ['single quotes', "{'type':'ping'}", 'bad_json'],
    ['two frames in one', '{"type":"ping"}{"type":"ping"}', 'bad_json'],
    ['100,000 unclosed arrays', '['.repeat(100_000), 'bad_json'],
    ['100,000 unclosed objects', '{"a":'.repeat(100_000), 'bad_json'],
    ['binary noise', '\u0000\u0001\uFFFD', 'bad_json'],
    // JSON, but not an object.
    ['a number', '1', 'invalid_frame'],
    ['a string', '"x"', 'invalid_frame'],
    ['null', 'null', 'invalid_frame'],
    ['true', 'true', 'invalid_frame'],
    ['an empty array', '[]', 'invalid_frame'],
    ['an array holding a frame', '[{"type":"ping"}]', 'invalid_frame'],
    ['100,000 closed nested arrays', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, 'invalid_frame'],
    // Objects without a usable type.
    ['an empty object', '{}', 'invalid_frame'],
    ['a numeric type', '{"type":1}', 'invalid_frame'],
    ['a null type', '{"type":null}', 'invalid_frame'],
    ['an array type', '{"type":["ping"]}', 'invalid_frame'],
    ['an object type', '{"type":{"toString":"ping"}}', 'invalid_frame'],
    ['a type only on an own __proto__ key', '{"__proto__":{"type":"ping"}}', 'invalid_frame'],
    // Types this server does not know.
    ['type __proto__', '{"type":"__proto__"}', 'unknown_type'],
    ['type constructor', '{"type":"constructor"}', 'unknown_type'],
    ['type toString', '{"type":"toString"}', 'unknown_type'],
    ['type hasOwnProperty', '{"type":"hasOwnProperty"}', 'unknown_type'],
    ['type valueOf', '{"type":"valueOf"}', 'unknown_type'],
    ['the empty type', '{"type":""}', 'unknown_type'],
    ['a differently cased type', '{"type":"Send"}', 'unknown_type'],
    ['a padded type', '{"type":" ping"}', 'unknown_type'],
    ['a server-only type', '{"type":"welcome"}', 'unknown_type'],
    ['another server-only type', '{"type":"msg"}', 'unknown_type'],
    ['a huge unknown type', json({ type: 'x'.repeat(100_000) }), 'unknown_type'],
    // Missing or wrong-typed fields.
    ['hello without v', '{"type":"hello"}', 'invalid_frame'],
    ['hello with a string v', '{"type":"hello","v":"1"}', 'invalid_frame'],
    ['hello with a numeric token', '{"type":"hello","v":1,"token":5}', 'invalid_frame'],
    ['hello with a 201-char token', json({ type: 'hello', v: 1, token: 't'.repeat(201) }), 'invalid_frame'],
    ['sub without a stream', '{"type":"sub"}', 'invalid_frame'],
    ['sub with a string cursor', '{"type":"sub","stream":"room:a","after":"5"}', 'invalid_frame'],
    ['sub with a null cursor', '{"type":"sub","stream":"room:a","after":null}', 'invalid_frame'],
    ['sub with a negative cursor', '{"type":"sub","stream":"room:a","after":-1}', 'invalid_frame'],
    ['sub with a fractional cursor', '{"type":"sub","stream":"room:a","after":1.5}', 'invalid_frame'],
    ['unsub with a numeric stream', '{"type":"unsub","stream":7}', 'invalid_frame'],
    ['send without text', '{"type":"send","stream":"room:a","clientMsgId":"c1"}', 'invalid_frame'],
    ['send with numeric text', send({ text: 42 }), 'invalid_frame'],
    ['send with text as an array', send({ text: ['hi'] }), 'invalid_frame'],
    ['send without a clientMsgId', '{"type":"send","stream":"room:a","text":"hi"}', 'invalid_frame'],
    ['send with an empty clientMsgId', send({ clientMsgId: '' }), 'invalid_frame'],
    ['send with a 65-char clientMsgId', send({ clientMsgId: 'a'.repeat(65) }), 'invalid_frame'],
    ['send with a spaced clientMsgId', send({ clientMsgId: 'a b' }), 'invalid_frame'],
    ['send with a numeric clientMsgId', send({ clientMsgId: 1 }), 'invalid_frame'],
    ['typing with a string active', '{"type":"typing","stream":"room:a","active":"true"}', 'invalid_frame'],
    ['typing without active', '{"type":"typing","stream":"room:a"}', 'invalid_frame'],
    ['read without seq', '{"type":"read","stream":"room:a"}', 'invalid_frame'],
    ['read with a negative seq', '{"type":"read","stream":"room:a","seq":-1}', 'invalid_frame'],
    ['read with a fractional seq', '{"type":"read","stream":"room:a","seq":2.5}', 'invalid_frame'],
    ['read with a string seq', '{"type":"read","stream":"room:a","seq":"3"}', 'invalid_frame'],
    [
      'read with an exponent too big for a number',
      '{"type":"read","stream":"room:a","seq":1e400}',
      'invalid_frame',
    ],
  ];

  it.each(cases.map(([label, raw, code]) => ({ label, raw, code })))('$label is $code', ({ raw, code }) => {
    expect(expectError(raw).code).toBe(code);
  });

  const badStreams = [
    'lobby',
    'room:',
    'room',
    ':lobby',
    'ROOM:lobby',
    'dm:alice',
    'room:a b',
    'room:a/b',
    'room:a:b',
    'room:ä',
    'room:lobby\n',
    ' room:lobby',
    `room:${'x'.repeat(65)}`,
    '',
  ];

  it.each(badStreams)('stream %j breaks the pattern: invalid_frame naming the stream field', (stream) => {
    for (const raw of [
      json({ type: 'sub', stream }),
      json({ type: 'unsub', stream }),
      json({ type: 'typing', stream, active: true }),
      json({ type: 'read', stream, seq: 1 }),
      send({ stream }),
    ]) {
      const error = expectError(raw);
      expect(error.code).toBe('invalid_frame');
      expect(error.message).toMatch(/stream/);
    }
  });

  it('every error has a message saying what is wrong', () => {
    for (const [, raw] of cases) expect(expectError(raw).message).toMatch(/\S/);
  });

  it('an unknown type is named in the message, with the types that are known', () => {
    expect(expectError('{"type":"__proto__"}').message).toBe(
      'unknown frame type "__proto__"; expected one of hello, sub, unsub, send, typing, read, assign, set_status, note, list_conversations, page, ping, pong',
    );
  });

  it('the message names the broken field and the frame type', () => {
    expect(expectError('{"type":"read","stream":"room:a","seq":-1}').message).toBe(
      'read: seq: seq cannot be negative',
    );
    expect(expectError('{"type":"read","stream":"room:a","seq":2.5}').message).toBe(
      'read: seq: seq must be a whole number',
    );
  });
});

describe('decodeClientFrame: ref', () => {
  it('an invalid send carries its clientMsgId as ref, so the sender can match the error', () => {
    expect(expectError(send({ clientMsgId: 'msg-7', text: '' }))).toMatchObject({
      code: 'invalid_frame',
      ref: 'msg-7',
    });
    expect(expectError(send({ clientMsgId: 'msg-8', stream: 'nope' })).ref).toBe('msg-8');
  });

  it('a clientMsgId too long to be valid is still the ref, cut to 64 characters', () => {
    const error = expectError(send({ clientMsgId: 'a'.repeat(500) }));
    expect(error.ref).toBe('a'.repeat(64));
  });

  it('an invalid frame without a clientMsgId carries its stream as ref', () => {
    expect(expectError('{"type":"read","stream":"room:lobby","seq":-1}').ref).toBe('room:lobby');
  });

  it('errors with nothing to refer to have no ref', () => {
    expect(expectError('{"type":"hello"}')).not.toHaveProperty('ref');
    expect(expectError('{').ref).toBeUndefined();
    expect(expectError('{"type":"nope","clientMsgId":"c1"}').ref).toBeUndefined();
  });
});

describe('decodeClientValue: already-parsed values', () => {
  it('accepts a valid frame object', () => {
    expect(decodeClientValue({ type: 'ping' })).toEqual({ ok: true, frame: { type: 'ping' } });
  });

  const hostile: [string, unknown][] = [
    ['undefined', undefined],
    ['a function', () => ({ type: 'ping' })],
    ['a symbol', Symbol('ping')],
    ['a bigint', 10n],
    [
      'a proxy that throws on every read',
      new Proxy(
        {},
        {
          get() {
            throw new Error('boom');
          },
        },
      ),
    ],
    [
      'a frame whose text getter throws',
      {
        type: 'send',
        stream: 'room:a',
        clientMsgId: 'c1',
        get text(): string {
          throw new Error('boom');
        },
      },
    ],
    ['an object with a null prototype', Object.assign(Object.create(null), { type: 'constructor' })],
  ];

  it.each(hostile)('never throws on %s, and reports an error', (_label, value) => {
    let result: ReturnType<typeof decodeClientValue> | undefined;
    expect(() => {
      result = decodeClientValue(value);
    }).not.toThrow();
    expect(result?.ok).toBe(false);
  });
});

describe('decodeServerFrame', () => {
  const welcome = {
    type: 'welcome',
    v: 1,
    connId: 'conn-1',
    user: { id: 'u1', name: 'alice', role: 'user' },
    heartbeatMs: 25_000,
    replayLimit: 1_000,
  };
  const msg = {
    type: 'msg',
    stream: 'room:lobby',
    seq: 42,
    id: 'm42',
    ts: 1_700_000_000_000,
    from: { id: 'u1', name: 'alice' },
    clientMsgId: 'c1',
    text: 'hi',
  };

  it.each([
    ['welcome', welcome],
    ['msg', msg],
    [
      'error with ref and retryAfterMs',
      { type: 'error', code: 'rate_limited', message: 'slow down', ref: 'c1', retryAfterMs: 500 },
    ],
    [
      'presence snapshot',
      { type: 'presence', stream: 'room:lobby', kind: 'snapshot', users: [{ id: 'u1', name: 'a' }] },
    ],
    ['resync_required', { type: 'resync_required', stream: 'room:lobby', head: 9, reason: 'backlog' }],
    ['ping', { type: 'ping' }],
  ])('accepts %s', (_label, frame) => {
    expect(decodeServerFrame(json(frame))).toEqual({ ok: true, frame });
  });

  it('strips unknown keys from server frames', () => {
    expect(decodeServerFrame(json({ ...msg, extra: 1 }))).toEqual({ ok: true, frame: msg });
  });

  it.each([
    { label: 'a client-only type', raw: '{"type":"send"}', code: 'unknown_type' },
    { label: 'a msg without seq', raw: json({ ...msg, seq: undefined }), code: 'invalid_frame' },
    {
      label: 'presence with an unknown kind',
      raw: json({ type: 'presence', stream: 's', kind: 'wave', users: [] }),
      code: 'invalid_frame',
    },
    { label: 'not JSON', raw: '<html>', code: 'bad_json' },
    { label: 'an array', raw: '[]', code: 'invalid_frame' },
  ])('rejects $label as $code', ({ raw, code }) => {
    const result = decodeServerFrame(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('decodeServerValue never throws on a hostile value', () => {
    const value = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
      },
    );
    expect(decodeServerValue(value)).toMatchObject({ ok: false, error: { code: 'invalid_frame' } });
  });
});

describe('encodeFrame', () => {
  it('returns the JSON of the frame', () => {
    const frame = { type: 'pong' };
    expect(encodeFrame(frame)).toBe('{"type":"pong"}');
  });

  it('returns the identical cached string for the same frame object', () => {
    const frame = { type: 'msg', stream: 'room:lobby', seq: 1, text: 'hi' };
    const first = encodeFrame(frame);
    expect(encodeFrame(frame)).toBe(first);
    // Proof that it is a cache keyed by identity: a frame must not be changed once sent.
    frame.seq = 2;
    expect(encodeFrame(frame)).toBe(first);
  });

  it('encodes equal but distinct objects separately', () => {
    expect(encodeFrame({ type: 'ping', n: 1 })).toBe(encodeFrame({ type: 'ping', n: 1 }));
    expect(encodeFrame({ type: 'ping', n: 2 })).toBe('{"type":"ping","n":2}');
  });

  it('round-trips: what is encoded decodes to the same frame', () => {
    const frame = { type: 'ack', stream: 'room:lobby', clientMsgId: 'c1', id: 'm1', seq: 1, ts: 5 };
    expect(decodeServerFrame(encodeFrame(frame))).toEqual({ ok: true, frame });
  });
});

import { describe, expect, it } from 'vitest';
import { checkUsername, usernameKey } from '../../server/auth/username.js';

const accepted = (raw: string) => {
  const result = checkUsername(raw);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(raw)} to be accepted: ${result.message}`);
  return result;
};
const rejected = (raw: string): string => {
  const result = checkUsername(raw);
  if (result.ok) throw new Error(`expected ${JSON.stringify(raw)} to be rejected, got ${result.username}`);
  return result.message;
};

describe('checkUsername: length in UTF-8 bytes', () => {
  it('accepts 3 to 32 ASCII bytes', () => {
    expect(accepted('abc').username).toBe('abc');
    expect(accepted('a'.repeat(32)).username).toBe('a'.repeat(32));
  });

  it('rejects 2 bytes, naming the minimum', () => {
    expect(rejected('ab')).toBe('username is 2 bytes; the minimum is 3');
    expect(rejected('')).toBe('username is 0 bytes; the minimum is 3');
  });

  it('rejects 33 bytes, naming the limit', () => {
    expect(rejected('a'.repeat(33))).toBe('username is 33 bytes in UTF-8; the limit is 32');
  });

  it('counts a CJK character as 3 bytes: 1 to 10 characters fit, 11 do not', () => {
    expect(accepted('山').username).toBe('山');
    expect(accepted('山'.repeat(10)).username).toBe('山'.repeat(10));
    expect(rejected('山'.repeat(11))).toBe('username is 33 bytes in UTF-8; the limit is 32');
  });

  it('counts a 2-byte letter as 2 bytes: "é" alone is too short, "éa" is enough', () => {
    expect(rejected('é')).toBe('username is 2 bytes; the minimum is 3');
    expect(accepted('éa').username).toBe('éa');
  });

  it('measures after NFKC: full-width "ＡＢ" (6 bytes as typed) is 2 bytes, too short', () => {
    expect(rejected('ＡＢ')).toBe('username is 2 bytes; the minimum is 3');
  });
});

describe('checkUsername: characters', () => {
  it.each([
    'alice',
    'Alice_01',
    'a.b-c',
    '42abc',
    'Zoë',
    'José',
    'Ελένη',
    'Дмитрий',
    '山田太郎',
    'नमस्ते',
    '१२३',
  ])('accepts %j (letters, marks, digits, _ . -)', (name) => {
    expect(accepted(name).username).toBe(name.normalize('NFKC'));
  });

  it.each([
    ['a space', 'al ice', ' ', 'U+0020'],
    ['an at sign', 'al@ice', '@', 'U+0040'],
    ['a slash', 'al/ice', '/', 'U+002F'],
    ['an emoji', 'ali😀', '😀', 'U+1F600'],
    ['a newline', 'ali\nce', '\n', 'U+000A'],
  ])('rejects %s, naming the character and its code point', (_label, name, bad, codePoint) => {
    expect(rejected(name)).toBe(
      `username may contain only letters, digits, _ . and -; "${bad}" (${codePoint}) is not allowed`,
    );
  });

  it.each([
    ['_alice', 'an underscore'],
    ['.alice', 'a dot'],
    ['-alice', 'a hyphen'],
    ['\u0301abc', 'a combining mark'],
  ])('rejects %j, which starts with %s: it must start with a letter or digit', (name) => {
    expect(rejected(name)).toBe('username must start with a letter or a digit');
  });

  it('accepts a name starting with a digit', () => {
    expect(accepted('1alice').username).toBe('1alice');
  });
});

describe('checkUsername: invisible and text-direction characters', () => {
  it.each([
    ['right-to-left override', '\u202E', 'U+202E'],
    ['left-to-right override', '\u202D', 'U+202D'],
    ['right-to-left isolate', '\u2067', 'U+2067'],
    ['zero-width space', '\u200B', 'U+200B'],
    ['zero-width joiner', '\u200D', 'U+200D'],
    ['zero-width non-joiner', '\u200C', 'U+200C'],
    ['byte order mark', '\uFEFF', 'U+FEFF'],
    ['soft hyphen', '\u00AD', 'U+00AD'],
    ['word joiner', '\u2060', 'U+2060'],
    ['Hangul filler (a letter that draws nothing)', '\u3164', 'U+3164'],
  ])('rejects a %s, naming its code point', (_label, ch, codePoint) => {
    for (const name of [`ali${ch}ce`, `${ch}alice`, `alice${ch}`]) {
      const message = rejected(name);
      expect(message).toContain(codePoint);
      expect(message).toBe(
        `username contains an invisible or text-direction character (${codePoint}); remove it`,
      );
    }
  });

  it('rejects a disguised name: "alice" + RLO + "gnp.exe"', () => {
    expect(rejected('alice\u202Egnp.exe')).toContain('U+202E');
  });

  it.each([
    ['combining grapheme joiner', 0x034f],
    ['variation selector 1', 0xfe00],
    ['variation selector 16', 0xfe0f],
    ['Mongolian free variation selector 1', 0x180b],
    ['Mongolian free variation selector 3', 0x180d],
    ['Khmer inherent vowel AQ', 0x17b4],
    ['Khmer inherent vowel AA', 0x17b5],
    ['variation selector 17', 0xe0100],
    ['variation selector 256', 0xe01ef],
  ])('rejects "admin" + a %s (marks that the letters-and-marks rule let through before)', (_label, cp) => {
    const result = checkUsername(`admin${String.fromCodePoint(cp)}`);
    const codePoint = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    expect(result).toEqual({
      ok: false,
      reason: 'invisible',
      message: `username contains an invisible or text-direction character (${codePoint}); remove it`,
    });
  });

  it('other broken rules have the reason "invalid"', () => {
    expect(checkUsername('ab')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(checkUsername('al ice')).toMatchObject({ ok: false, reason: 'invalid' });
  });
});

describe('checkUsername: NFKC normalization', () => {
  it('shows full-width ＡＢＣ as ABC', () => {
    expect(accepted('ＡＢＣ')).toEqual({
      ok: true,
      username: 'ABC',
      key: 'abc',
      skeletons: ['ABC', 'abc', 'Abc'],
    });
  });

  it('turns the ligature "ﬁ" into "fi"', () => {
    expect(accepted('ﬁne').username).toBe('fine');
  });

  it('composes "e" + combining acute into "é"', () => {
    expect(accepted('Jose\u0301').username).toBe('José');
  });
});

describe('username keys: one account per case-folded, normalized name', () => {
  it('"Alice", "ALICE" and full-width "ａｌｉｃｅ" have one key', () => {
    const keys = ['Alice', 'ALICE', 'ａｌｉｃｅ', 'alice'].map((name) => accepted(name).key);
    expect(new Set(keys)).toEqual(new Set(['alice']));
  });

  it('"STRASSE" and "straße" have one key', () => {
    expect(accepted('STRASSE').key).toBe(accepted('straße').key);
    expect(usernameKey('straße')).toBe('strasse');
  });

  it('Greek final and medial sigma fold together', () => {
    expect(accepted('ΟΔΟΣ').key).toBe(accepted('οδοσ').key);
    expect(accepted('οδος').key).toBe(accepted('ΟΔΟΣ').key);
  });

  it('composed and decomposed accents have one key', () => {
    expect(accepted('José').key).toBe(accepted('Jose\u0301').key);
  });

  it('different names keep different keys', () => {
    expect(accepted('alice').key).not.toBe(accepted('alicia').key);
    expect(accepted('alice').key).not.toBe(accepted('alice1').key);
  });

  it('the username keeps the case it was typed in; only the key is folded', () => {
    expect(accepted('AliceSmith')).toEqual({
      ok: true,
      username: 'AliceSmith',
      key: 'alicesmith',
      skeletons: ['AliceSrnith', 'alicesrnith', 'ALlCESMlTH', 'Alicesrnith'],
    });
  });
});

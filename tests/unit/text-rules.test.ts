import { describe, expect, it } from 'vitest';
import { forbiddenTextChar, invisibleChar, textProblem } from '../../shared/text-rules.js';

const span = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
const label = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;

/** The ranges that registered beside an existing name under the old hand list (issue #12). */
const REPORTED = [
  ['combining grapheme joiner', span(0x034f, 0x034f)],
  ['variation selectors 1-16', span(0xfe00, 0xfe0f)],
  ['Mongolian free variation selectors', span(0x180b, 0x180d)],
  ['Khmer inherent vowels', span(0x17b4, 0x17b5)],
  ['variation selectors 17-256', span(0xe0100, 0xe01ef)],
] as const;

/** What the old hand list held: all still refused. */
const OLD_LIST = [
  0x00ad,
  0x061c,
  0x115f,
  0x1160,
  0x180e,
  ...span(0x200b, 0x200f),
  ...span(0x202a, 0x202e),
  ...span(0x2060, 0x2064),
  ...span(0x2066, 0x206f),
  0x3164,
  0xfeff,
  0xffa0,
];

describe('invisibleChar: every Default_Ignorable_Code_Point and Bidi_Control, from the Unicode data', () => {
  it.each(REPORTED)('refuses every %s, wherever it stands, naming it', (_name, points) => {
    for (const cp of points) {
      const ch = String.fromCodePoint(cp);
      for (const s of [`admin${ch}`, `${ch}admin`, `ad${ch}min`]) {
        expect(invisibleChar(s)).toEqual({ char: ch, codePoint: label(cp), kind: 'invisible' });
      }
    }
  });

  it('refuses everything the old hand list did', () => {
    for (const cp of OLD_LIST)
      expect(invisibleChar(`a${String.fromCodePoint(cp)}b`)?.codePoint).toBe(label(cp));
  });

  it('refuses every bidi control: LRM, RLM, ALM, embeddings, overrides and isolates', () => {
    for (const cp of [0x061c, 0x200e, 0x200f, ...span(0x202a, 0x202e), ...span(0x2066, 0x2069)]) {
      expect(invisibleChar(`a${String.fromCodePoint(cp)}b`)?.codePoint).toBe(label(cp));
    }
  });

  it('refuses tag characters (U+E0000-E0FFF ignorables) and a Hangul filler', () => {
    for (const cp of [0xe0001, 0xe0041, 0xe007f, 0xe0fff, 0x3164]) {
      expect(invisibleChar(`a${String.fromCodePoint(cp)}`)?.codePoint).toBe(label(cp));
    }
  });

  it.each(['alice', '张伟', 'José', 'Zoë', 'Jose\u0301', 'Дмитрий', 'नमस्ते', 'Ελένη', '山田太郎'])(
    'accepts %j: letters, marks and digits are not invisible',
    (name) => {
      expect(invisibleChar(name)).toBeNull();
    },
  );
});

describe('forbiddenTextChar: names and titles (controls too; emoji sequences allowed)', () => {
  it.each([
    ['a newline', 'Lobby\nGeneral', 'U+000A', 'control'],
    ['a tab', 'Lobby\t', 'U+0009', 'control'],
    ['a C1 control', 'Lobby\u0085', 'U+0085', 'control'],
    ['a line separator', 'Lobby\u2028', 'U+2028', 'control'],
    ['a lone surrogate', 'Lobby\uD800', 'U+D800', 'control'],
    ['a right-to-left override', 'Lobby\u202E', 'U+202E', 'invisible'],
    ['a zero-width space', 'Lob\u200Bby', 'U+200B', 'invisible'],
    ['a variation selector after a letter', 'Lobby\uFE00', 'U+FE00', 'invisible'],
    ['a stray zero-width joiner', 'Lob\u200Dby', 'U+200D', 'invisible'],
    ['a stray U+FE0F after a letter', 'a\uFE0Fb', 'U+FE0F', 'invisible'],
    ['a second U+FE0F after a complete emoji', '\u2764\uFE0F\uFE0F', 'U+FE0F', 'invisible'],
  ])('refuses %s', (_label, text, codePoint, kind) => {
    expect(forbiddenTextChar(text)).toMatchObject({ codePoint, kind });
  });

  it.each([
    ['a heart with its emoji selector', 'Fans \u2764\uFE0F'],
    ['a rainbow flag (ZWJ sequence)', '\u{1F3F3}\uFE0F\u200D\u{1F308} Pride'],
    ['a family (ZWJ sequence)', '\u{1F468}\u200D\u{1F469}\u200D\u{1F467} Family'],
    ['a keycap', '1\uFE0F\u20E3 First'],
    [
      'the flag of Scotland (tag sequence)',
      '\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F} Scots',
    ],
    ['a skin tone', 'Thumbs \u{1F44D}\u{1F3FD}'],
    ['CJK and accents', '设计团队 — José & Zoë'],
    ['spaces and punctuation', 'Q3 planning (draft), v2.1!'],
  ])('accepts %s', (_label, text) => {
    expect(forbiddenTextChar(text)).toBeNull();
  });

  it('names the field and the code point in its message', () => {
    expect(textProblem('room title', 'Lobby\u202E')).toBe(
      'room title contains an invisible or text-direction character (U+202E); remove it',
    );
    expect(textProblem('site name', 'Shop\n')).toBe(
      'site name contains a control character (U+000A); remove it',
    );
    expect(textProblem('name', 'Ann')).toBeNull();
  });
});

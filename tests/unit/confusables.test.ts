import { describe, expect, it } from 'vitest';
import { skeleton, usernameSkeletons } from '../../server/auth/confusables.js';

describe('skeleton: UTS #39 over confusables.txt', () => {
  it('maps a Cyrillic а (U+0430) to a Latin a: "аdmin" and "admin" have one skeleton', () => {
    expect(skeleton('\u0430dmin')).toBe(skeleton('admin'));
  });

  it('says what confusables.txt says about l, I and 1: all three have the prototype "l"', () => {
    expect(skeleton('I')).toBe('l');
    expect(skeleton('1')).toBe('l');
    expect(skeleton('l')).toBe('l');
    expect(skeleton('paypaI')).toBe(skeleton('paypal'));
  });

  it('maps m to "rn" (the prototype may be longer than the character)', () => {
    expect(skeleton('m')).toBe('rn');
    expect(skeleton('modern')).toBe(skeleton('rnodern'));
  });

  it('drops default-ignorable characters and decomposes (NFD) before and after mapping', () => {
    expect(skeleton('ad\u034Fmin')).toBe(skeleton('admin'));
    expect(skeleton('Jos\u00E9')).toBe(skeleton('Jose\u0301'));
  });

  it('keeps distinct letters distinct: accents are not dropped, CJK maps to itself', () => {
    expect(skeleton('José')).not.toBe(skeleton('Jose'));
    expect(skeleton('Zoë')).not.toBe(skeleton('Zoe'));
    expect(skeleton('张伟')).toBe('张伟');
  });
});

/** What the server refuses: two names sharing any skeleton. */
const alike = (a: string, b: string): boolean => {
  const theirs = new Set(usernameSkeletons(a));
  return usernameSkeletons(b).some((s) => theirs.has(s));
};

describe('usernameSkeletons: look-alikes of a name in any case', () => {
  it.each([
    ['admin', '\u0430dmin', 'Cyrillic а'],
    ['admin', '\u0430dm\u0456n', 'Cyrillic а and і'],
    ['admin', 'ADM\u0406N', 'Cyrillic І in upper case: looks like ADMIN, the same account'],
    ['paypal', 'paypaI', 'capital I for l'],
    ['alice', 'aIice', 'capital I for l'],
    ['alice', 'AIice', 'capital I for l, capitalized: looks like Alice'],
    ['alice', '\u0391LICE', 'Greek capital Alpha: looks like ALICE'],
    ['bob', 'B0B', 'zero for O, upper case'],
    ['user1', 'userl', 'l for 1'],
    ['modern', 'rnodern', 'rn for m'],
    ['Ελένη', 'Ελένη'.normalize('NFD'), 'decomposed accents'],
  ])('%j and %j look alike (%s)', (a, b) => {
    expect(alike(a, b)).toBe(true);
    expect(alike(b, a)).toBe(true);
  });

  it.each([
    ['alice', 'alicia'],
    ['alice', 'aiice'],
    ['ALICE', 'ALLCE'],
    ['José', 'Jose'],
    ['Zoë', 'Zoe'],
    ['张伟', '张伟伟'],
    ['bob', 'rob'],
  ])('%j and %j stay apart', (a, b) => {
    expect(alike(a, b)).toBe(false);
  });

  it('lists each skeleton once: as typed, lower case, upper case and capitalized', () => {
    expect(usernameSkeletons('alice')).toEqual(['alice', 'ALlCE', 'Alice']);
    expect(usernameSkeletons('张伟')).toEqual(['张伟']);
  });
});

import { describe, expect, it } from 'vitest';
import { catalogs } from '../../web/app/common/i18n.js';
import { apiErrorText, textError, usernameError } from '../../web/app/common/text-errors.js';

const en = catalogs.en;
const zh = catalogs['zh-CN'];

describe('the SPA says what shared/text-rules.ts refuses, in the user’s language', () => {
  it('names a username’s invisible character by code point, before anything is sent', () => {
    expect(usernameError(en, 'admin\uFE00')).toBe(
      'Username contains an invisible or text-direction character (U+FE00); remove it.',
    );
    expect(usernameError(zh, 'admin\uFE00')).toBe(
      '用户名包含不可见字符或文字方向控制字符（U+FE00），请删除。',
    );
    expect(usernameError(en, '张伟')).toBeNull();
  });

  it('names the field of a title with a control or bidi character, and lets emoji through', () => {
    expect(textError(en, en.roomTitle, 'Lobby\u202E')).toBe(
      'Title contains an invisible or text-direction character (U+202E); remove it.',
    );
    expect(textError(zh, zh.siteName, 'Shop\u0007')).toBe('名称包含控制字符（U+0007，例如换行），请删除。');
    expect(textError(en, en.roomTitle, 'Fans \u2764\uFE0F')).toBeNull();
  });

  it('says the server’s new codes in words of its own, and other errors as the server sent them', () => {
    const confusable = {
      code: 'username_confusable',
      message: 'the username "aIice" looks too much like...',
    };
    expect(apiErrorText(en, confusable)).toBe(
      'This username looks too much like an existing one. Pick another.',
    );
    expect(apiErrorText(zh, confusable)).toBe('这个用户名与已有的用户名过于相似，请换一个。');
    expect(apiErrorText(zh, { code: 'invisible_character', message: 'x' })).toBe(
      zh.errorCode.invisible_character,
    );
    expect(apiErrorText(en, { code: 'username_taken', message: 'the username "bob" is taken' })).toBe(
      'the username "bob" is taken',
    );
  });

  it('both catalogs have a text for the same codes', () => {
    expect(Object.keys(zh.errorCode).sort()).toEqual(Object.keys(en.errorCode).sort());
    expect(Object.keys(en.errorCode).sort()).toEqual([
      'account_suspended',
      'bad_host',
      'bad_origin',
      'banned',
      'invisible_character',
      'invite_invalid',
      'muted',
      'rate_limited',
      'request_timeout',
      'room_mention_forbidden',
      'setup_code_required',
      'too_many_connections',
      'too_many_mentions',
      'too_many_people',
      'user_not_found',
      'username_confusable',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { check } from '../../web/widget/chat/components/Forms.js';
import { catalogs } from '../../web/widget/chat/i18n.js';

const values = (name: string) => ({ name, email: 'vera@shop.example', text: 'hi' });

describe('widget pre-chat form: a name with an invisible character is named before sending', () => {
  it('names the code point, in English and Chinese', () => {
    expect(check(catalogs.en, values('Vera\u2066'), ['name', 'email'])).toEqual({
      name: 'Your name contains an invisible or control character (U+2066); remove it.',
    });
    expect(check(catalogs['zh-CN'], values('Ve\u200Bra'), ['name'])).toEqual({
      name: '姓名中包含不可见字符或控制字符（U+200B），请删除。',
    });
  });

  it('accepts ordinary and emoji names, and still asks for an empty one', () => {
    expect(check(catalogs.en, values('张伟 \u{1F44B}\u{1F3FD}'), ['name', 'email'])).toEqual({});
    expect(check(catalogs.en, values('  '), ['name'])).toEqual({ name: 'Enter your name.' });
  });
});

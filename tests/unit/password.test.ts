import { describe, expect, it } from 'vitest';
import { dummyHash, hashPassword, verifyPassword } from '../../server/auth/password.js';

describe('password hashing', () => {
  it('a hashed password verifies', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
  });

  it('a wrong password does not verify, however close', async () => {
    const stored = await hashPassword('correct horse battery staple');
    for (const wrong of [
      'correct horse battery stapl',
      'Correct horse battery staple',
      '',
      ' correct horse battery staple',
    ]) {
      expect(await verifyPassword(wrong, stored)).toBe(false);
    }
  });

  it('two hashes of one password differ (a fresh salt each time), and both verify', async () => {
    const [a, b] = await Promise.all([hashPassword('hunter22'), hashPassword('hunter22')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('hunter22', a)).toBe(true);
    expect(await verifyPassword('hunter22', b)).toBe(true);
  });

  it('stores scrypt$N$r$p$salt$hash, so the cost can be raised later', async () => {
    expect(await hashPassword('hunter22')).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
  });

  it('handles non-ASCII passwords', async () => {
    const stored = await hashPassword('пароль-密码-🔑');
    expect(await verifyPassword('пароль-密码-🔑', stored)).toBe(true);
    expect(await verifyPassword('пароль-密码-🔐', stored)).toBe(false);
  });

  it('the dummy hash verifies nothing a user would type', async () => {
    expect(await verifyPassword('password', await dummyHash)).toBe(false);
  });

  describe('a malformed stored string verifies as false, never throws', () => {
    const salt = 'c2FsdHNhbHRzYWx0c2FsdA';
    const hash = 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';
    it.each([
      ['the empty string', ''],
      ['plain text', 'hunter22'],
      ['another scheme', `bcrypt$16384$8$1$${salt}$${hash}`],
      ['no hash', `scrypt$16384$8$1$${salt}`],
      ['an empty salt and hash', 'scrypt$16384$8$1$$'],
      ['a hash of the wrong length', `scrypt$16384$8$1$${salt}$AAAA`],
      ['a non-numeric cost', `scrypt$abc$8$1$${salt}$${hash}`],
      ['a cost that is not a power of two', `scrypt$1000$8$1$${salt}$${hash}`],
      ['a cost beyond the memory limit', `scrypt$1048576$8$1$${salt}$${hash}`],
    ])('%s', async (_label, stored) => {
      await expect(verifyPassword('hunter22', stored)).resolves.toBe(false);
    });
  });
});

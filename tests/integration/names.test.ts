/**
 * Look-alike usernames and invisible characters over real HTTP (issue #12, item 6): what once
 * registered beside "admin" is refused with its own code, and names and titles shown to others
 * refuse invisible, text-direction and control characters, naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, register, type TestUser } from '../support/api.js';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

const HOST = 'https://shop.example';
let server: ServerProcess;
let admin: TestUser;
let siteKey: string;

beforeAll(async () => {
  server = await startServerProcess({ env: { RATE_BURST: '1000' } });
  admin = await register(server.url, 'admin');
  await register(server.url, 'alice');
  await register(server.url, 'paypal');
  const site = await api(server.url, admin, 'POST', '/api/admin/sites', {
    name: 'Shop',
    allowedOrigins: [HOST],
  });
  expect(site.status).toBe(201);
  siteKey = site.json.site.key;
});
afterAll(async () => {
  await server?.stop();
});

const registerAs = (username: string) =>
  api(server.url, null, 'POST', '/api/auth/register', { username, password: 'long enough' });
const label = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;

describe('registration: invisible characters', () => {
  it.each([
    ['U+034F combining grapheme joiner', [0x034f]],
    ['U+FE00-FE0F variation selectors', [0xfe00, 0xfe07, 0xfe0f]],
    ['U+180B-180D Mongolian variation selectors', [0x180b, 0x180c, 0x180d]],
    ['U+17B4-17B5 Khmer inherent vowels', [0x17b4, 0x17b5]],
    ['U+E0100-E01EF variation selectors supplement', [0xe0100, 0xe0150, 0xe01ef]],
    ['bidi controls and zero-width characters', [0x202e, 0x200b, 0xfeff, 0x2067, 0x061c]],
  ])(
    'refuses "admin" and "alice" with a %s: 400 invisible_character naming the code point',
    async (_l, points) => {
      for (const cp of points) {
        for (const name of [`admin${String.fromCodePoint(cp)}`, `al${String.fromCodePoint(cp)}ice`]) {
          const res = await registerAs(name);
          expect(res.status).toBe(400);
          expect(res.json.error).toEqual({
            code: 'invisible_character',
            message: `username contains an invisible or text-direction character (${label(cp)}); remove it`,
          });
        }
      }
    },
  );
});

describe('registration: look-alikes of an existing name', () => {
  it.each([
    ['\u0430dmin', 'a Cyrillic а (U+0430)'],
    ['\u0430dm\u0456n', 'Cyrillic а and і'],
    ['ADM\u0406N', 'a Cyrillic І, upper case'],
    ['adrnin', '"rn" for "m"'],
    ['aIice', 'a capital I for l'],
    ['AIice', 'a capital I for l, other case'],
    ['paypaI', 'a capital I for l'],
    ['paypa1', 'a digit 1 for l'],
  ])('refuses %j (%s) with 409 username_confusable, without naming the existing account', async (name) => {
    const res = await registerAs(name);
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('username_confusable');
    expect(res.json.error.message).toBe(
      `the username "${name}" looks too much like an existing one; pick another`,
    );
  });

  it('still says username_taken for the same name in another case', async () => {
    const res = await registerAs('ALICE');
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('username_taken');
  });

  it.each(['张伟', 'José', 'Zoë', 'Jose', 'Zoe', 'alicia', 'Дмитрий'])(
    'accepts %j: ordinary CJK, accented and Cyrillic names that look like nobody',
    async (name) => {
      const res = await registerAs(name);
      expect(res.status).toBe(201);
      expect(res.json.user.username).toBe(name);
    },
  );

  it('the look-alike of a name registered a moment ago is refused too', async () => {
    expect((await registerAs('Ольга')).status).toBe(201);
    // Latin O for the Cyrillic О.
    const res = await registerAs('Oльга');
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('username_confusable');
  });
});

describe('names and titles shown to others', () => {
  it.each([
    ['Lobby\u202E', 'U+202E', 'an invisible or text-direction character'],
    ['Lob\u200Bby', 'U+200B', 'an invisible or text-direction character'],
    ['Lobby\uFE00', 'U+FE00', 'an invisible or text-direction character'],
    ['Lobby\u034F', 'U+034F', 'an invisible or text-direction character'],
    ['Lob\u0007by', 'U+0007', 'a control character'],
    ['Lob\nby', 'U+000A', 'a control character'],
  ])('a room title %j is refused with 400 invisible_character naming the field', async (title, cp, what) => {
    const res = await api(server.url, admin, 'POST', '/api/rooms', { title });
    expect(res.status).toBe(400);
    expect(res.json.error).toEqual({
      code: 'invisible_character',
      message: `title: room title contains ${what} (${cp}); remove it`,
    });
  });

  it('a room title with emoji sequences (ZWJ, U+FE0F, keycap) and CJK is created', async () => {
    const title = '\u{1F3F3}\uFE0F\u200D\u{1F308} 设计 \u2764\uFE0F 1\uFE0F\u20E3';
    const res = await api(server.url, admin, 'POST', '/api/rooms', { title });
    expect(res.status).toBe(201);
  });

  it('a site name is refused on create and on update, naming the field', async () => {
    const created = await api(server.url, admin, 'POST', '/api/admin/sites', {
      name: 'Sh\u200Dop',
      allowedOrigins: [HOST],
    });
    expect(created.status).toBe(400);
    expect(created.json.error).toEqual({
      code: 'invisible_character',
      message: 'name: site name contains an invisible or text-direction character (U+200D); remove it',
    });
    const site = (await api(server.url, admin, 'GET', '/api/admin/sites')).json.sites[0];
    const updated = await api(server.url, admin, 'PATCH', `/api/admin/sites/${site.id}`, {
      name: 'Shop\u202E',
    });
    expect(updated.status).toBe(400);
    expect(updated.json.error.code).toBe('invisible_character');
    expect(updated.json.error.message).toContain('site name');
    expect((await api(server.url, admin, 'GET', '/api/admin/sites')).json.sites[0].name).toBe('Shop');
  });

  it("a visitor's display name is refused on the first message and on identify", async () => {
    const headers = { origin: HOST, 'content-type': 'application/json' };
    const visitor = await fetch(`${server.url}/api/widget/visitors?site=${siteKey}`, {
      method: 'POST',
      headers: { origin: HOST },
    });
    expect(visitor.status).toBe(201);
    const token = ((await visitor.json()) as { token: string }).token;
    const send = async (path: string, body: unknown) => {
      const res = await fetch(`${server.url}/api/widget${path}?site=${siteKey}`, {
        method: 'POST',
        headers: { ...headers, 'x-switchboard-visitor': token },
        body: JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as { error: { code: string; message: string } } };
    };
    const first = await send('/conversations', { text: 'hello', name: 'Vera\u2066' });
    expect(first.status).toBe(400);
    expect(first.json.error).toEqual({
      code: 'invisible_character',
      message: 'name: name contains an invisible or text-direction character (U+2066); remove it',
    });
    const identify = await send('/identify', { name: 'Ve\u180Era' });
    expect(identify.status).toBe(400);
    expect(identify.json.error.code).toBe('invisible_character');
  });
});

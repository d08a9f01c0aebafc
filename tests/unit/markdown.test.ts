import { describe, expect, it } from 'vitest';
import { linkify } from '../../shared/linkify.js';
import { linkHref, type MdNode, parseMarkdown } from '../../web/app/common/markdown.js';

/** Every node of the tree, depth first. */
function walk(nodes: readonly MdNode[]): MdNode[] {
  return nodes.flatMap((n) => ('children' in n ? [n, ...walk(n.children)] : [n]));
}
const kinds = (text: string) => walk(parseMarkdown(text)).map((n) => n.kind);
const links = (text: string) => walk(parseMarkdown(text)).flatMap((n) => (n.kind === 'link' ? [n.href] : []));
/** The text a reader sees (line breaks as \n). */
const shown = (nodes: readonly MdNode[]): string =>
  nodes
    .map((n) => (n.kind === 'br' ? '\n' : 'children' in n ? shown(n.children) : 'text' in n ? n.text : ''))
    .join('');

const ALLOWED = new Set([
  'text',
  'mention',
  'br',
  'code',
  'pre',
  'link',
  'ol',
  'p',
  'strong',
  'em',
  'del',
  'blockquote',
  'ul',
  'li',
]);

describe('the Markdown subset', () => {
  it('renders bold, italic, strike and inline code', () => {
    expect(parseMarkdown('**b** _i_ *j* ~~s~~ `c`')).toEqual([
      {
        kind: 'p',
        children: [
          { kind: 'strong', children: [{ kind: 'text', text: 'b' }] },
          { kind: 'text', text: ' ' },
          { kind: 'em', children: [{ kind: 'text', text: 'i' }] },
          { kind: 'text', text: ' ' },
          { kind: 'em', children: [{ kind: 'text', text: 'j' }] },
          { kind: 'text', text: ' ' },
          { kind: 'del', children: [{ kind: 'text', text: 's' }] },
          { kind: 'text', text: ' ' },
          { kind: 'code', text: 'c' },
        ],
      },
    ]);
  });

  it('renders code blocks, quotes and both kinds of list', () => {
    expect(kinds('```js\nconst a = 1;\n```')).toEqual(['pre']);
    expect(parseMarkdown('```\n**not bold**\n```')).toEqual([{ kind: 'pre', text: '**not bold**' }]);
    expect(kinds('> quoted')).toEqual(['blockquote', 'p', 'text']);
    expect(kinds('- a\n- b')).toEqual(['ul', 'li', 'text', 'li', 'text']);
    expect(parseMarkdown('3. x\n4. y')[0]).toMatchObject({ kind: 'ol', start: 3 });
  });

  it('keeps a single line break, as a chat does', () => {
    expect(parseMarkdown('one\ntwo')).toEqual([
      { kind: 'p', children: [{ kind: 'text', text: 'one' }, { kind: 'br' }, { kind: 'text', text: 'two' }] },
    ]);
  });

  it('shows headings, tables, rules, images and reference definitions as typed', () => {
    for (const text of [
      '# Title',
      'Title\n===',
      '---',
      '| a | b |\n|---|---|\n| 1 | 2 |',
      '![cat](https://example.com/cat.png)',
      '[a]: https://example.com',
    ]) {
      const nodes = parseMarkdown(text);
      expect(
        walk(nodes).every((n) => n.kind === 'p' || n.kind === 'text' || n.kind === 'br'),
        text,
      ).toBe(true);
      expect(shown(nodes), text).toBe(text);
    }
  });

  it('links http(s) and mailto targets only', () => {
    expect(links('[docs](https://example.com/docs)')).toEqual(['https://example.com/docs']);
    expect(links('[mail](mailto:ops@example.com)')).toEqual(['mailto:ops@example.com']);
    expect(links('<https://example.com>')).toEqual(['https://example.com/']);
    expect(linkHref('/relative')).toBeNull();
    expect(linkHref('ftp://example.com')).toBeNull();
  });
});

describe('plain URLs keep linkify’s behaviour', () => {
  for (const text of [
    'see https://example.com now',
    'http://example.com/a/b?x=1&y=2#top',
    'go to https://example.com/docs.',
    'https://en.wikipedia.org/wiki/Foo_(bar)',
    '(see https://example.com/x)',
    'a https://one.example b http://two.example/ c',
    'https://example.com/snake_case_path/_under_',
    'javascript:https://example.com',
    'xhttps://example.com',
    'www.example.com and bob@example.com stay text',
  ]) {
    it(text, () => {
      const expected = linkify(text).flatMap((s) => (s.kind === 'link' ? [s.href] : []));
      expect(links(text)).toEqual(expected);
      expect(shown(parseMarkdown(text))).toBe(text);
    });
  }
});

describe('XSS: nothing but the allowlist comes out, and no unsafe link', () => {
  const vectors = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">x</a>',
    '[x](javascript:alert(1))',
    '[x](JaVaScRiPt:alert(1))',
    '[x](javascript&colon;alert(1))',
    '[x](&#106;avascript:alert(1))',
    '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '[x](vbscript:msgbox(1))',
    '[x]( javascript:alert(1))',
    '[x](<javascript:alert(1)>)',
    '<javascript:alert(1)>',
    '[x][ref]\n\n[ref]: javascript:alert(1)',
    '![x](javascript:alert(1))',
    '<iframe src="https://evil.example"></iframe>',
    '<svg onload=alert(1)>',
    '**<b onmouseover=alert(1)>x</b>**',
    '`<script>`',
    '```html\n<script>alert(1)</script>\n```',
    '[a](https://ok.example "title onmouseover=alert(1)")',
    '<style>body{display:none}</style>',
    '<!-- comment -->',
  ];
  for (const text of vectors) {
    it(text, () => {
      const nodes = walk(parseMarkdown(text));
      for (const node of nodes) expect(ALLOWED.has(node.kind)).toBe(true);
      for (const node of nodes) {
        if (node.kind !== 'link') continue;
        expect(['http:', 'https:', 'mailto:']).toContain(new URL(node.href).protocol);
      }
    });
  }

  it('raw HTML is text, as typed', () => {
    expect(shown(parseMarkdown('<b>hi</b> <script>x</script>'))).toBe('<b>hi</b> <script>x</script>');
  });

  it('a pathological nesting neither throws nor builds an unbounded tree', () => {
    const depth = (nodes: readonly MdNode[]): number =>
      Math.max(0, ...nodes.map((n) => ('children' in n ? 1 + depth(n.children) : 0)));
    expect(depth(parseMarkdown(`${'> '.repeat(1000)}deep`))).toBeLessThan(20);
    expect(depth(parseMarkdown(`${'- '.repeat(1000)}deep`))).toBeLessThan(30);
    expect(() => parseMarkdown('*'.repeat(4000))).not.toThrow();
    expect(() => parseMarkdown('['.repeat(2000) + ']('.repeat(1000))).not.toThrow();
  });
});

describe('mentions of the reader', () => {
  const me = (name: string) => name.toLowerCase() === 'bob' || name.toLowerCase() === 'room';

  it('are picked out of text, not of code or links', () => {
    const nodes = walk(
      parseMarkdown('hi @Bob and @carol, `@bob`, [@bob](https://x.example) @room', { mentionsMe: me }),
    );
    expect(nodes.filter((n) => n.kind === 'mention')).toEqual([
      { kind: 'mention', text: '@Bob' },
      { kind: 'mention', text: '@room' },
    ]);
  });

  it('are not picked out without the option', () => {
    expect(kinds('hi @bob')).not.toContain('mention');
  });
});

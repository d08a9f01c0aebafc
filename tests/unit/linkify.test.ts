import { describe, expect, it } from 'vitest';
import { linkify, type Segment, safeHref } from '../../shared/linkify.js';

const links = (segments: Segment[]) => segments.filter((s) => s.kind === 'link');
const joined = (segments: Segment[]) => segments.map((s) => s.text).join('');

describe('linkify', () => {
  it('returns plain text untouched as one text segment', () => {
    expect(linkify('hello there')).toEqual([{ kind: 'text', text: 'hello there' }]);
  });

  it('returns nothing for empty text', () => {
    expect(linkify('')).toEqual([]);
  });

  it('links an https URL between words', () => {
    expect(linkify('see https://example.com now')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com', href: 'https://example.com/' },
      { kind: 'text', text: ' now' },
    ]);
  });

  it('links http URLs with paths, queries and fragments', () => {
    const [link] = links(linkify('http://example.com/a/b?x=1&y=2#top'));
    expect(link).toEqual({
      kind: 'link',
      text: 'http://example.com/a/b?x=1&y=2#top',
      href: 'http://example.com/a/b?x=1&y=2#top',
    });
  });

  it('leaves sentence punctuation after a URL as text', () => {
    const segments = linkify('go to https://example.com/docs.');
    expect(links(segments).map((s) => s.text)).toEqual(['https://example.com/docs']);
    expect(segments.at(-1)).toEqual({ kind: 'text', text: '.' });
  });

  it('keeps balanced parentheses but drops an unbalanced closing one', () => {
    expect(links(linkify('https://en.wikipedia.org/wiki/Foo_(bar)'))[0]?.text).toBe(
      'https://en.wikipedia.org/wiki/Foo_(bar)',
    );
    expect(links(linkify('(see https://example.com/x)'))[0]?.text).toBe('https://example.com/x');
  });

  it('finds several links and preserves every character of the text', () => {
    const text = 'a https://one.example b http://two.example/ c';
    const segments = linkify(text);
    expect(links(segments).map((s) => s.text)).toEqual(['https://one.example', 'http://two.example/']);
    expect(joined(segments)).toBe(text);
  });

  it('never links javascript: URLs, in any case or disguise', () => {
    for (const text of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      '[x](javascript:alert(1))',
      'javascript://example.com/%0Aalert(1)',
      'javascript:https://example.com',
      ' javascript:alert(document.cookie)',
    ]) {
      const segments = linkify(text);
      expect(links(segments), text).toEqual([]);
      expect(joined(segments), text).toBe(text);
    }
  });

  it('never links data:, vbscript:, file: or protocol-relative URLs', () => {
    for (const text of [
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      '//evil.example/x',
    ]) {
      expect(links(linkify(text)), text).toEqual([]);
    }
  });

  it('links only the https target of a markdown-style link, without the closing bracket', () => {
    const segments = linkify('[x](https://example.com)');
    expect(links(segments)).toEqual([
      { kind: 'link', text: 'https://example.com', href: 'https://example.com/' },
    ]);
    expect(joined(segments)).toBe('[x](https://example.com)');
  });

  it('does not link a scheme glued to other text', () => {
    expect(links(linkify('xhttps://example.com'))).toEqual([]);
  });

  it('leaves HTML in the text as text', () => {
    const text = '<img src=x onerror=alert(1)> https://example.com <script>alert(1)</script>';
    const segments = linkify(text);
    expect(joined(segments)).toBe(text);
    expect(links(segments)).toHaveLength(1);
  });

  it('does not take quotes or angle brackets into a URL', () => {
    expect(links(linkify('"https://example.com/a"'))[0]?.text).toBe('https://example.com/a');
    expect(links(linkify('<https://example.com/a>'))[0]?.text).toBe('https://example.com/a');
  });
});

describe('safeHref', () => {
  it('accepts http and https and returns the normalised URL', () => {
    expect(safeHref('HTTPS://Example.COM')).toBe('https://example.com/');
    expect(safeHref('http://example.com:8080/x')).toBe('http://example.com:8080/x');
  });

  it('refuses other schemes and unparsable text', () => {
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('https://')).toBeNull();
    expect(safeHref('not a url')).toBeNull();
  });
});

/**
 * Message text as a safe subset of Markdown: bold, italic, strike, inline code, code blocks,
 * quotes, lists and links, for the chat's message list and the agent console alike.
 *
 * NOTE: parsed by `marked`'s lexer only; its HTML renderer is never used, so no HTML string is
 * ever made from a message and nothing needs sanitising after the fact. The lexer's tokens are
 * turned into a small tree of nodes from an allowlist (`MdNode`), and the component draws each
 * node as the one element it stands for. Anything else the lexer knows (raw HTML, headings,
 * tables, images, rules, reference definitions) is shown as the text that was typed. Links are
 * kept only for http(s) and mailto targets that `new URL` accepts; plain URLs become links by the
 * rule the widget uses too (shared/linkify.ts). Why marked: maintained, 16 kB gzipped against
 * markdown-it's 42 kB (the SPA's whole initial JavaScript was 60 kB), Node 20+, and its tokens
 * keep the text as typed, which is what a tree of text nodes needs.
 *
 * @example
 * parseMarkdown('**hi** <b>there</b>');
 * // [{ kind: 'p', children: [{ kind: 'strong', children: [{ kind: 'text', text: 'hi' }] },
 * //   { kind: 'text', text: ' <b>there</b>' }] }]
 */
import { Marked, type Token, type TokenizerAndRendererExtension, type Tokens } from 'marked';
import { safeHref, trimCandidate } from '../../../shared/linkify.js';
import { mentionSpans } from '../../../shared/mentions.js';

export type MdNode =
  | { kind: 'text'; text: string }
  /** `@name` that mentions the reader (or `@room`): highlighted. */
  | { kind: 'mention'; text: string }
  | { kind: 'br' }
  | { kind: 'code'; text: string }
  | { kind: 'pre'; text: string }
  | { kind: 'link'; href: string; children: MdNode[] }
  | { kind: 'ol'; start: number; children: MdNode[] }
  | { kind: 'p' | 'strong' | 'em' | 'del' | 'blockquote' | 'ul' | 'li'; children: MdNode[] };

export interface MarkdownOptions {
  /** Whether `@name` (as written, without `@`) mentions the reader: drawn highlighted. */
  mentionsMe?: (name: string) => boolean;
}

/** Quotes and lists nested deeper than this are shown as typed. */
const MAX_DEPTH = 12;

/** Plain URLs, by linkify's rule: after a space, an opening bracket or quote, or at the start. */
const plainUrl: TokenizerAndRendererExtension = {
  name: 'plainUrl',
  level: 'inline',
  start: (src) => src.search(/https?:\/\//i),
  tokenizer(src, tokens) {
    const match = /^https?:\/\/[^\s<>"'`]+/i.exec(src);
    if (!match) return undefined;
    const before = tokens.at(-1)?.raw.at(-1);
    if (before !== undefined && !/[\s([{<"']/u.test(before)) return undefined;
    const text = trimCandidate(match[0]);
    const href = safeHref(text);
    if (href === null) return undefined;
    return { type: 'link', raw: text, href, title: null, text, tokens: [{ type: 'text', raw: text, text }] };
  },
};

const marked = new Marked({ gfm: true, breaks: true, silent: true });
marked.use({
  extensions: [plainUrl],
  // GFM's own autolinks (www., bare emails) would link more than the widget does: off.
  tokenizer: { url: () => undefined },
});

const LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** The target of a Markdown link, or null when it must stay text. */
export function linkHref(href: string): string | null {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  if (!LINK_PROTOCOLS.has(url.protocol)) return null;
  if (url.protocol !== 'mailto:' && url.hostname === '') return null;
  return url.href;
}

/** Text with line breaks as `br`, and (when asked) the reader's mentions picked out. */
function textNodes(text: string, options: MarkdownOptions, out: MdNode[]): void {
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (i > 0) out.push({ kind: 'br' });
    if (line === '') return;
    let from = 0;
    if (options.mentionsMe) {
      for (const span of mentionSpans(line)) {
        if (!options.mentionsMe(span.name)) continue;
        if (span.start > from) out.push({ kind: 'text', text: line.slice(from, span.start) });
        out.push({ kind: 'mention', text: line.slice(span.start, span.end) });
        from = span.end;
      }
    }
    if (from < line.length) out.push({ kind: 'text', text: line.slice(from) });
  });
}

function inline(tokens: readonly Token[] | undefined, options: MarkdownOptions, depth: number): MdNode[] {
  const out: MdNode[] = [];
  for (const token of tokens ?? []) {
    switch (token.type) {
      case 'text':
        if ('tokens' in token && token.tokens) out.push(...inline(token.tokens, options, depth));
        else textNodes(token.text, options, out);
        break;
      case 'escape':
        out.push({ kind: 'text', text: token.text });
        break;
      case 'br':
        out.push({ kind: 'br' });
        break;
      case 'codespan':
        out.push({ kind: 'code', text: token.text });
        break;
      case 'strong':
      case 'em':
      case 'del':
        if (depth >= MAX_DEPTH) textNodes(token.raw, options, out);
        else out.push({ kind: token.type, children: inline(token.tokens, options, depth + 1) });
        break;
      case 'link': {
        const href = linkHref((token as Tokens.Link).href);
        if (href === null || depth >= MAX_DEPTH) textNodes(token.raw, options, out);
        else out.push({ kind: 'link', href, children: inline(token.tokens, {}, depth + 1) });
        break;
      }
      default:
        // Raw HTML, images and anything else: the text as typed.
        textNodes(token.raw, options, out);
    }
  }
  return out;
}

function blocks(tokens: readonly Token[], options: MarkdownOptions, depth: number): MdNode[] {
  const out: MdNode[] = [];
  for (const token of tokens) {
    switch (token.type) {
      case 'space':
        break;
      case 'paragraph':
        out.push({ kind: 'p', children: inline(token.tokens, options, depth) });
        break;
      case 'text':
        // A tight list item's text: inline content, no paragraph around it.
        out.push(
          ...inline(token.tokens ?? [{ type: 'text', raw: token.raw, text: token.text }], options, depth),
        );
        break;
      case 'code':
        out.push({ kind: 'pre', text: token.text });
        break;
      case 'checkbox':
        // A task item's box, as typed: "[ ] " or "[x] ".
        out.push({ kind: 'text', text: token.raw });
        break;
      case 'blockquote':
        if (depth >= MAX_DEPTH) out.push(rawBlock(token.raw, options));
        else out.push({ kind: 'blockquote', children: blocks(token.tokens ?? [], options, depth + 1) });
        break;
      case 'list': {
        if (depth >= MAX_DEPTH) {
          out.push(rawBlock(token.raw, options));
          break;
        }
        const list = token as Tokens.List;
        const items: MdNode[] = list.items.map((item) => ({
          kind: 'li',
          children: blocks(item.tokens, options, depth + 1),
        }));
        out.push(
          list.ordered
            ? { kind: 'ol', start: typeof list.start === 'number' ? list.start : 1, children: items }
            : { kind: 'ul', children: items },
        );
        break;
      }
      default:
        // Headings, tables, rules, raw HTML, reference definitions: the text as typed.
        out.push(rawBlock(token.raw, options));
    }
  }
  return out;
}

function rawBlock(raw: string, options: MarkdownOptions): MdNode {
  const children: MdNode[] = [];
  textNodes(raw.replace(/\n+$/, ''), options, children);
  return { kind: 'p', children };
}

/** The message as nodes; never throws (a text the lexer cannot take is shown as typed). */
export function parseMarkdown(text: string, options: MarkdownOptions = {}): MdNode[] {
  try {
    return blocks(marked.lexer(text), options, 0);
  } catch {
    return [rawBlock(text, options)];
  }
}

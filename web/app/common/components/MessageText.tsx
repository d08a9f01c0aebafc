/**
 * Message text as safe Markdown (common/markdown.ts): each node of the parsed tree becomes the one
 * element it stands for, and text is always a text node. Never markup from the text itself, never
 * innerHTML. Used by the chat's message list and the agent console, so both show a message alike.
 */
import type { ComponentChildren } from 'preact';
import { useMemo } from 'preact/hooks';
import { type MdNode, parseMarkdown } from '../markdown.js';

function draw(nodes: readonly MdNode[]): ComponentChildren {
  return nodes.map((node, i) => {
    switch (node.kind) {
      case 'text':
        return node.text;
      case 'mention':
        return (
          <mark key={i} class="mention mention-me">
            {node.text}
          </mark>
        );
      case 'br':
        // A newline in pre-wrap text, not <br>: copied text and textContent keep the line break.
        return '\n';
      case 'code':
        return <code key={i}>{node.text}</code>;
      case 'pre':
        return (
          <pre key={i}>
            <code>{node.text}</code>
          </pre>
        );
      case 'link':
        return (
          <a key={i} href={node.href} target="_blank" rel="noopener noreferrer nofollow">
            {draw(node.children)}
          </a>
        );
      case 'ol':
        return (
          <ol key={i} start={node.start}>
            {draw(node.children)}
          </ol>
        );
      case 'p':
        return <p key={i}>{draw(node.children)}</p>;
      case 'strong':
        return <strong key={i}>{draw(node.children)}</strong>;
      case 'em':
        return <em key={i}>{draw(node.children)}</em>;
      case 'del':
        return <del key={i}>{draw(node.children)}</del>;
      case 'blockquote':
        return <blockquote key={i}>{draw(node.children)}</blockquote>;
      case 'ul':
        return <ul key={i}>{draw(node.children)}</ul>;
      case 'li':
        return <li key={i}>{draw(node.children)}</li>;
      default:
        return null;
    }
  });
}

export interface MessageTextProps {
  text: string;
  /** Whether `@name` (as written) mentions the reader: those are highlighted. */
  mentionsMe?: ((name: string) => boolean) | undefined;
}

export function MessageText({ text, mentionsMe }: MessageTextProps) {
  const nodes = useMemo(() => parseMarkdown(text, mentionsMe ? { mentionsMe } : {}), [text, mentionsMe]);
  return <>{draw(nodes)}</>;
}

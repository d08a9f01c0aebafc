/**
 * Message text as text nodes, with http(s) URLs as links. Never markup from the text itself:
 * `linkify` returns data and each part becomes a text node or an <a> built here.
 */
import { useMemo } from 'preact/hooks';
import { linkify } from '../../../../shared/linkify.js';

export function MessageText({ text }: { text: string }) {
  const segments = useMemo(() => linkify(text), [text]);
  return (
    <>
      {segments.map((segment, i) =>
        segment.kind === 'link' ? (
          <a key={i} href={segment.href} target="_blank" rel="noopener noreferrer nofollow">
            {segment.text}
          </a>
        ) : (
          segment.text
        ),
      )}
    </>
  );
}

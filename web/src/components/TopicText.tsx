/** A room topic with its http(s) links clickable: <a> elements from link-spans.ts, never HTML. */
import { linkSpans } from '../link-spans.ts';

export function TopicText({ text }: { readonly text: string }) {
  // Only web links open from a topic (link-spans also knows mailto:).
  const links = linkSpans(text).filter((l) => /^https?:/.test(l.href));
  const parts = [];
  let at = 0;
  for (const l of links) {
    if (l.start > at) parts.push(text.slice(at, l.start));
    parts.push(
      <a key={l.start} href={l.href} target="_blank" rel="noopener noreferrer">
        {text.slice(l.start, l.end)}
      </a>,
    );
    at = l.end;
  }
  if (at < text.length) parts.push(text.slice(at));
  return <>{parts}</>;
}

import { useContext } from 'preact/hooks';
import { mentionRanges } from '../../../src/client/index.ts';
import { linkSpans } from '../link-spans.ts';
import { MentionContext } from '../message-context.ts';
import { usePeopleBook } from '../use-people-book.ts';

interface Span {
  readonly start: number;
  readonly end: number;
  readonly nick: string;
}

/** Mentions of known names in `text`, in order, without overlaps (the longer name wins). */
function findMentions(text: string, nicks: readonly string[]): Span[] {
  const found: Span[] = [];
  for (const nick of nicks) for (const [start, end] of mentionRanges(text, nick)) found.push({ start, end, nick });
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  for (const s of found) if (out.length === 0 || s.start >= out[out.length - 1]!.end) out.push(s);
  return out;
}

/**
 * Message text with links made clickable (http, https and mailto only; opened in a new tab without
 * access to this page) and @mentions highlighted. Text only: nothing from the message becomes markup.
 */
export function MentionText({ text }: { text: string }) {
  const links = linkSpans(text);
  if (links.length === 0) return <Mentions text={text} />;
  const parts = [];
  let pos = 0;
  for (const l of links) {
    if (l.start > pos) parts.push(<Mentions key={`t${pos}`} text={text.slice(pos, l.start)} />);
    parts.push(
      <a key={`l${l.start}`} class="link" href={l.href} target="_blank" rel="noopener noreferrer nofollow ugc">
        {text.slice(l.start, l.end)}
      </a>,
    );
    pos = l.end;
  }
  if (pos < text.length) parts.push(<Mentions key={`t${pos}`} text={text.slice(pos)} />);
  return <>{parts}</>;
}

/** Plain text with @mentions of people in the room highlighted (yours more strongly). */
function Mentions({ text }: { text: string }) {
  const { me, nicks } = useContext(MentionContext);
  const book = usePeopleBook();
  if (!text.includes('@') || nicks.length === 0) return <>{text}</>;
  const spans = findMentions(text, nicks);
  if (spans.length === 0) return <>{text}</>;
  const meKey = me?.toLocaleLowerCase();
  const parts = [];
  let pos = 0;
  for (const s of spans) {
    if (s.start > pos) parts.push(text.slice(pos, s.start));
    const mine = s.nick.toLocaleLowerCase() === meKey;
    parts.push(
      <span
        key={s.start}
        class={mine ? 'mention mention-me' : 'mention'}
        data-mention={s.nick}
        title={book?.byHandle(s.nick)?.name}
      >
        {text.slice(s.start, s.end)}
      </span>,
    );
    pos = s.end;
  }
  if (pos < text.length) parts.push(text.slice(pos));
  return <>{parts}</>;
}

import { Component } from 'preact';
import type { RoomEvent, UserRef } from '../../../src/client/index.ts';
import type { OutboxItem } from '../chat-store.ts';
import type { MessageChanges } from '../fold.ts';
import { formatFull, formatTime, hueOf } from '../format.ts';
import { Avatar } from './Avatar.tsx';
import { FileAttachment } from './FileAttachment.tsx';

interface Props {
  readonly event: RoomEvent;
  readonly mine: boolean;
  /** This tab sent it and the server acknowledged it. */
  readonly sent: boolean;
  /** Later edits, a delete, reactions (folded from the log). */
  readonly changes?: MessageChanges | undefined;
}

/**
 * One log entry. Every user-supplied string is rendered as text, never as HTML.
 * Log entries never change, so a re-render is needed only when the props do.
 */
export class MessageItem extends Component<Props> {
  override shouldComponentUpdate(next: Props): boolean {
    const p = this.props;
    return next.event !== p.event || next.mine !== p.mine || next.sent !== p.sent || next.changes !== p.changes;
  }

  override render() {
    return <EventView {...this.props} />;
  }
}

function EventView({ event, mine, sent, changes }: Props) {
  if (event.kind === 'system' || event.kind === 'join' || event.kind === 'leave') {
    const text =
      event.kind === 'system' ? event.body : `${event.sender.nick} ${event.kind === 'join' ? 'joined' : 'left'}`;
    return (
      <div class="message system" data-seq={event.seq} data-kind={event.kind}>
        <span class="body">{text}</span>
        <time dateTime={new Date(event.ts).toISOString()} title={formatFull(event.ts)}>
          {formatTime(event.ts)}
        </time>
      </div>
    );
  }
  return (
    <article class={mine ? 'message mine' : 'message'} data-seq={event.seq} data-status={sent ? 'sent' : undefined}>
      <Avatar user={event.sender} />
      <div class="message-main">
        <header class="message-meta">
          <span class="nick" style={{ '--hue': String(hueOf(event.sender.id)) }}>
            {event.sender.nick}
          </span>
          <time dateTime={new Date(event.ts).toISOString()} title={formatFull(event.ts)}>
            {formatTime(event.ts)}
          </time>
          {event.kind !== 'text' && <span class="kind">{event.kind}</span>}
          {changes?.body !== undefined && !changes.deleted && <span class="edited">(edited)</span>}
          {sent && (
            <span class="status status-sent" title="Delivered">
              ✓ sent
            </span>
          )}
        </header>
        {changes?.deleted ? (
          <div class="body deleted">This message was deleted.</div>
        ) : event.file ? (
          <>
            <FileAttachment file={event.file} />
            {(changes?.body ?? event.body) && <div class="body">{changes?.body ?? event.body}</div>}
          </>
        ) : (
          <div class="body">{changes?.body ?? event.body}</div>
        )}
        {changes && changes.reactions.length > 0 && (
          <ul class="reactions" aria-label="Reactions">
            {changes.reactions.map((r) => (
              <li key={r.emoji} class="reaction">
                {r.emoji} {r.users.length}
              </li>
            ))}
          </ul>
        )}
      </div>
    </article>
  );
}

interface PendingProps {
  readonly item: OutboxItem;
  readonly me: UserRef;
  readonly onRetry: () => void;
  readonly onDiscard: () => void;
}

/** A message of ours the log does not hold yet: sending, acknowledged, or failed. */
export function PendingItem({ item, me, onRetry, onDiscard }: PendingProps) {
  return (
    <article class={`message mine local ${item.status}`} data-status={item.status} data-key={item.key}>
      <Avatar user={me} />
      <div class="message-main">
        <header class="message-meta">
          <span class="nick" style={{ '--hue': String(hueOf(me.id)) }}>
            {me.nick}
          </span>
          <time dateTime={new Date(item.createdAt).toISOString()} title={formatFull(item.createdAt)}>
            {formatTime(item.createdAt)}
          </time>
          {item.status === 'pending' && <span class="status status-pending">sending…</span>}
          {item.status === 'sent' && <span class="status status-sent">✓ sent</span>}
          {item.status === 'failed' && (
            <span class="status status-failed" role="alert">
              not sent{item.error ? `: ${item.error}` : ''}{' '}
              <button type="button" class="link" onClick={onRetry}>
                Retry
              </button>{' '}
              <button type="button" class="link" onClick={onDiscard}>
                Discard
              </button>
            </span>
          )}
        </header>
        <div class="body">{item.body}</div>
      </div>
    </article>
  );
}

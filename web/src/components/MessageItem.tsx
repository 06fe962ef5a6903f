import { Component } from 'preact';
import { useContext } from 'preact/hooks';
import { mentions, type RoomEvent, type UserRef } from '../../../src/client/index.ts';
import type { OutboxItem } from '../chat-store.ts';
import type { MessageChanges } from '../fold.ts';
import { formatFull, formatTime, hueOf } from '../format.ts';
import { t } from '../i18n/index.ts';
import { Avatar } from './Avatar.tsx';
import { FileAttachment } from './FileAttachment.tsx';
import { MentionContext, MessageActionsContext } from '../message-context.ts';
import { EditBox } from './EditBox.tsx';
import { MentionText } from './MentionText.tsx';
import { MessageActions } from './MessageActions.tsx';
import { ReactionBar } from './ReactionBar.tsx';
import { ReplyQuote } from './ReplyQuote.tsx';
import { isSystemLine, systemText } from '../system-lines.ts';

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
  // Contexts re-render a row when the actions (e.g. which message is edited) or the names change.
  const actions = useContext(MessageActionsContext);
  const names = useContext(MentionContext);
  if (isSystemLine(event)) {
    const text = systemText(event);
    return (
      <div class="message system" data-seq={event.seq} data-kind={event.kind}>
        <span class="body">{text}</span>
        <time dateTime={new Date(event.ts).toISOString()} title={formatFull(event.ts)}>
          {formatTime(event.ts)}
        </time>
      </div>
    );
  }
  const text = changes?.body ?? event.body;
  const deleted = changes?.deleted === true;
  const editing = !deleted && actions?.editing === event.seq;
  const mentionsMe = !mine && !deleted && names.me !== undefined && mentions(text, names.me);
  return (
    <article
      class={`message${mine ? ' mine' : ''}${mentionsMe ? ' mentions-me' : ''}`}
      data-seq={event.seq}
      data-status={sent ? 'sent' : undefined}
      // Focusable by a tap, so touch screens can show the actions (:focus-within).
      tabIndex={-1}
    >
      <Avatar user={event.sender} />
      <div class="message-main">
        <header class="message-meta">
          <span class="nick" style={{ '--hue': String(hueOf(event.sender.id)) }}>
            {event.sender.nick}
          </span>
          <time dateTime={new Date(event.ts).toISOString()} title={formatFull(event.ts)}>
            {formatTime(event.ts)}
          </time>
          {event.kind !== 'text' && (
            <span class="kind">
              {event.kind === 'image' || event.kind === 'file' ? t(`log.kind.${event.kind}`) : event.kind}
            </span>
          )}
          {changes?.body !== undefined && !changes.deleted && <span class="edited">{t('log.edited')}</span>}
          {sent && (
            <span class="status status-sent" title={t('log.delivered')}>
              {t('log.sent')}
            </span>
          )}
        </header>
        {event.reply !== undefined && <ReplyQuote seq={event.reply} />}
        {editing ? (
          <EditBox seq={event.seq} initial={text} />
        ) : changes?.deleted ? (
          <div class="body deleted">{t('log.deleted')}</div>
        ) : event.file ? (
          <>
            <FileAttachment file={event.file} />
            {text && (
              <div class="body">
                <MentionText text={text} />
              </div>
            )}
          </>
        ) : (
          <div class="body">
            <MentionText text={text} />
          </div>
        )}
        {changes && <ReactionBar seq={event.seq} reactions={changes.reactions} />}
      </div>
      <MessageActions event={event} changes={changes} />
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
          {item.status === 'pending' && <span class="status status-pending">{t('log.sending')}</span>}
          {item.status === 'sent' && <span class="status status-sent">{t('log.sent')}</span>}
          {item.status === 'failed' && (
            <span class="status status-failed" role="alert">
              {item.error ? t('log.notSentWhy', { error: item.error }) : t('log.notSent')}{' '}
              <button type="button" class="link" onClick={onRetry}>
                {t('log.retry')}
              </button>{' '}
              <button type="button" class="link" onClick={onDiscard}>
                {t('log.discard')}
              </button>
            </span>
          )}
        </header>
        {item.reply !== undefined && <ReplyQuote seq={item.reply} />}
        <div class="body">{item.body}</div>
      </div>
    </article>
  );
}

import { Component } from 'preact';
import { useContext } from 'preact/hooks';
import { mentions, type RoomEvent, type UserRef } from '../../../src/client/index.ts';
import type { OutboxItem } from '../chat-store.ts';
import type { MessageChanges } from '../fold.ts';
import { formatFull, formatTime } from '../format.ts';
import { t } from '../i18n/index.ts';
import { Avatar } from './Avatar.tsx';
import { SenderName } from './PersonName.tsx';
import { BlockedFold } from './BlockControls.tsx';
import { FileAttachment } from './FileAttachment.tsx';
import { MentionContext, MessageActionsContext } from '../message-context.ts';
import { EditBox } from './EditBox.tsx';
import { MessageBody } from './MessageBody.tsx';
import { MessageActions } from './MessageActions.tsx';
import { ReactionBar } from './ReactionBar.tsx';
import { ReplyQuote } from './ReplyQuote.tsx';
import { RichText } from './RichText.tsx';
import { shownName } from '../people-book.ts';
import { isSystemLine, systemText } from '../system-lines.ts';
import { useFreshPeople } from '../use-people-book.ts';

interface Props {
  readonly event: RoomEvent;
  readonly mine: boolean;
  /** This tab sent it and the server acknowledged it. */
  readonly sent: boolean;
  /** Later edits, a delete, reactions (folded from the log). */
  readonly changes?: MessageChanges | undefined;
  /** Continues the previous message's group (list-rows.ts): no name or avatar of its own. */
  readonly grouped?: boolean | undefined;
}

/** How long "✓ sent" shows after the acknowledgement: long enough to notice, then it goes. */
const SENT_SHOW_MS = 4_000;
/** When each acknowledged message of this tab was first shown as sent, by cid. */
const sentAt = new Map<string, number>();

/** Whether "✓ sent" still helps for this message: only shortly after it was acknowledged. */
function sentRecently(cid: string | undefined): boolean {
  if (cid === undefined) return false;
  const now = Date.now();
  let at = sentAt.get(cid);
  if (at === undefined) {
    at = now;
    if (sentAt.size > 500) sentAt.delete(sentAt.keys().next().value!);
    sentAt.set(cid, at);
  }
  return now - at < SENT_SHOW_MS;
}

/**
 * One log entry. Every user-supplied string is rendered as text, never as HTML.
 * Log entries never change, so a re-render is needed only when the props do.
 */
export class MessageItem extends Component<Props> {
  override shouldComponentUpdate(next: Props): boolean {
    const p = this.props;
    return (
      next.event !== p.event ||
      next.mine !== p.mine ||
      next.sent !== p.sent ||
      next.changes !== p.changes ||
      next.grouped !== p.grouped
    );
  }

  override render() {
    // A blocked person's message is folded away with "Show" (BlockControls.tsx).
    return (
      <BlockedFold event={this.props.event}>
        <EventView {...this.props} />
      </BlockedFold>
    );
  }
}

function Time({ ts, class: cls }: { ts: number; class?: string }) {
  return (
    <time class={cls} dateTime={new Date(ts).toISOString()} title={formatFull(ts)}>
      {formatTime(ts)}
    </time>
  );
}

function EventView({ event, mine, sent, changes, grouped }: Props) {
  // Contexts re-render a row when the actions (e.g. which message is edited) or the names change.
  const actions = useContext(MessageActionsContext);
  const names = useContext(MentionContext);
  const fresh = useFreshPeople();
  if (isSystemLine(event)) {
    const text = systemText(event, (u) => shownName(fresh(u)));
    return (
      <div class="message system" data-seq={event.seq} data-kind={event.kind}>
        <span class="body">{text}</span>
        <Time ts={event.ts} />
      </div>
    );
  }
  const text = changes?.body ?? event.body;
  const deleted = changes?.deleted === true;
  const editing = !deleted && actions?.editing === event.seq;
  const mentionsMe = !mine && !deleted && names.me !== undefined && mentions(text, names.me);
  const edited = changes?.body !== undefined && !deleted;
  const showSent = sent && !deleted && sentRecently(event.cid);
  const flags = (
    <>
      {edited && <span class="edited">{t('log.edited')}</span>}
      {showSent && (
        <span class="status status-sent" title={t('log.delivered')}>
          {t('log.sent')}
        </span>
      )}
    </>
  );
  return (
    <article
      class={`message${mine ? ' mine' : ''}${mentionsMe ? ' mentions-me' : ''}${grouped ? ' grouped' : ''}`}
      data-seq={event.seq}
      data-status={sent && !deleted ? 'sent' : undefined}
      // Focusable by a tap, so touch screens can show the actions (:focus-within).
      tabIndex={-1}
    >
      {grouped ? <Time ts={event.ts} class="gutter-time" /> : <Avatar user={event.sender} />}
      <div class="message-main">
        {grouped ? (
          // The name stays for screen readers, which do not see the grouping.
          <span class="sr-only">
            <SenderName user={event.sender} plain />
          </span>
        ) : (
          <header class="message-meta">
            <SenderName user={event.sender} />
            <Time ts={event.ts} />
            {flags}
          </header>
        )}
        {event.reply !== undefined && <ReplyQuote seq={event.reply} />}
        {editing ? (
          <EditBox seq={event.seq} initial={text} />
        ) : deleted ? (
          <div class="body deleted">{t('log.deleted')}</div>
        ) : (
          <>
            {event.file && <FileAttachment file={event.file} />}
            {(text || !event.file) && <MessageBody id={event.id} text={text} />}
          </>
        )}
        {grouped && (edited || showSent) && <div class="message-flags">{flags}</div>}
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
  /** Continues your previous message's group (list-rows.ts, pendingGroups). */
  readonly grouped?: boolean | undefined;
}

/** A message of ours the log does not hold yet: sending, acknowledged, or failed. */
export function PendingItem({ item, me, onRetry, onDiscard, grouped }: PendingProps) {
  const status = (
    <>
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
    </>
  );
  return (
    <article
      class={`message mine local ${item.status}${grouped ? ' grouped' : ''}`}
      data-status={item.status}
      data-key={item.key}
    >
      {grouped ? <Time ts={item.createdAt} class="gutter-time" /> : <Avatar user={me} />}
      <div class="message-main">
        {grouped ? (
          <span class="sr-only">
            <SenderName user={me} plain />
          </span>
        ) : (
          <header class="message-meta">
            <SenderName user={me} />
            <Time ts={item.createdAt} />
            {status}
          </header>
        )}
        {item.reply !== undefined && <ReplyQuote seq={item.reply} />}
        <div class="body">
          <RichText text={item.body} />
        </div>
        {grouped && <div class="message-flags">{status}</div>}
      </div>
    </article>
  );
}

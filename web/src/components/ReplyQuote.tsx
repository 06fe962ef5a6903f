import { useContext } from 'preact/hooks';
import { t } from '../i18n/index.ts';
import { RoomLogContext } from '../message-context.ts';
import { currentText, excerpt } from '../message-text.ts';
import { shownName } from '../people-book.ts';
import { useFreshPeople } from '../use-people-book.ts';

/** Above a reply: who wrote the original and a line of it; a click jumps to the original. */
export function ReplyQuote({ seq }: { seq: number }) {
  const log = useContext(RoomLogContext);
  const found = log?.lookup(seq);
  const deleted = found?.changes?.deleted === true;
  const fresh = useFreshPeople();
  // The original's author as the room names them (display name), not only the handle.
  const nick = found && shownName(fresh(found.event.sender));
  const text = !found
    ? t('messages.quoteMissing')
    : deleted
      ? t('messages.quoteDeleted')
      : excerpt(currentText(found.event, found.changes)) || t('messages.quoteFile');
  return (
    <button
      type="button"
      class="reply-quote"
      data-reply={seq}
      data-deleted={deleted ? 'true' : undefined}
      aria-label={t('messages.replyTo', { nick: nick ?? '', text })}
      onClick={() => log?.jump(seq)}
    >
      {nick !== undefined && <span class="reply-nick">{nick}</span>}
      <span class="reply-text">{text}</span>
    </button>
  );
}

/** Above the composer while replying: "Replying to X" with the excerpt and a cancel button (or Esc). */
export function ReplyBar({ nick, text, onCancel }: { nick: string; text: string; onCancel: () => void }) {
  return (
    <div class="replying-to" role="status">
      <span class="replying-label">{t('messages.replyingTo', { nick })}</span>
      <span class="reply-text">{text}</span>
      <button type="button" class="icon-button cancel-reply" aria-label={t('messages.cancelReply')} onClick={onCancel}>
        ×
      </button>
    </div>
  );
}

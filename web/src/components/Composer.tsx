import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { loadDraft, saveDraft } from '../drafts.ts';
import { t } from '../i18n/index.ts';
import { useEmojiComplete } from '../use-emoji-complete.ts';
import { useMentionComplete } from '../use-mention-complete.ts';
import { BODY_MAX } from '../validate.ts';
import { AttachButton } from './AttachButton.tsx';
import { EmojiPanel } from './EmojiPanel.tsx';
import { EMOJI_LIST_ID, EmojiPopup } from './EmojiPopup.tsx';
import { MENTION_LIST_ID, MentionPopup } from './MentionPopup.tsx';
import { ReplyBar } from './ReplyQuote.tsx';

interface Props {
  readonly room: string;
  /** How the room is named in the placeholder ("#general", "@alice"); the room name by default. */
  readonly label?: string;
  readonly disabled: boolean;
  readonly onSend: (body: string) => void;
  /** Called on every edit: true while there is text, false when it was emptied. */
  readonly onTyping?: (on: boolean) => void;
  /** Files picked or pasted: upload and send them to the room. */
  readonly onFiles?: (files: File[]) => void;
  /** The message being replied to (shown above the input; Esc cancels). */
  readonly reply?: { readonly nick: string; readonly text: string } | undefined;
  readonly onCancelReply?: () => void;
  /** ArrowUp in the empty input: edit your last message; false when there is none. */
  readonly onEditLast?: () => boolean;
  /** Names @mentions may complete to, and yours (never offered). */
  readonly mentionNames?: readonly string[];
  readonly me?: string | undefined;
}

const MAX_HEIGHT_PX = 200;

/** Drop blank leading lines and trailing whitespace; keep indentation inside. */
function tidy(text: string): string {
  return text.replace(/^(?:[ \t]*\r?\n)+/, '').trimEnd();
}

export function Composer(props: Props) {
  const { room, disabled, onSend, onTyping, onFiles, reply, onCancelReply, onEditLast } = props;
  const where = props.label ?? `#${room}`;
  const me = props.me;
  const [text, setText] = useState(() => loadDraft(me, room));
  const [picker, setPicker] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    setText(loadDraft(me, room));
    setPicker(false);
    ref.current?.focus();
  }, [room, me]);

  // Grow with the text up to a limit, then scroll.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT_PX)}px`;
  }, [text]);

  const update = (value: string) => {
    setText(value);
    saveDraft(me, room, value);
  };

  const mention = useMentionComplete(ref, text, update, props.mentionNames ?? [], me);
  const emoji = useEmojiComplete(ref, text, update);
  // One completion list at a time: @names first, else :emoji:.
  const list =
    mention.matches.length > 0
      ? { id: MENTION_LIST_ID, active: mention.active }
      : emoji.matches.length > 0
        ? { id: EMOJI_LIST_ID, active: emoji.active }
        : undefined;

  const body = tidy(text);
  const length = Array.from(body).length;
  const tooLong = length > BODY_MAX;
  const canSend = !disabled && body.length > 0 && !tooLong;

  const submit = () => {
    if (!canSend) return;
    onSend(body);
    update('');
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (mention.onKeyDown(e)) return;
    if (emoji.onKeyDown(e)) return;
    if (e.key === 'Escape' && reply && onCancelReply) {
      e.preventDefault();
      onCancelReply();
      return;
    }
    if (e.key === 'ArrowUp' && text === '' && onEditLast?.()) {
      e.preventDefault();
      return;
    }
    // Enter sends, Shift+Enter is a new line; never send in the middle of an IME composition.
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      submit();
    }
  };

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {reply && onCancelReply && <ReplyBar nick={reply.nick} text={reply.text} onCancel={onCancelReply} />}
      <MentionPopup matches={mention.matches} active={mention.active} onPick={mention.pick} />
      {mention.matches.length === 0 && <EmojiPopup matches={emoji.matches} active={emoji.active} onPick={emoji.pick} />}
      {picker && (
        <EmojiPanel
          onClose={() => {
            setPicker(false);
            ref.current?.focus();
          }}
          onPick={(e) => {
            setPicker(false);
            emoji.insert(e);
          }}
        />
      )}
      <textarea
        ref={ref}
        name="message"
        rows={1}
        aria-autocomplete="list"
        aria-expanded={list !== undefined}
        aria-controls={list?.id}
        aria-activedescendant={list ? `${list.id}-${list.active}` : undefined}
        placeholder={disabled ? t('composer.joining', { room: where }) : t('composer.message', { room: where })}
        aria-label={t('composer.message', { room: where })}
        value={text}
        onInput={(e) => {
          const el = e.currentTarget;
          update(emoji.onInput(el.value, el.selectionStart));
          onTyping?.(el.value.trim().length > 0);
          mention.onCaret();
        }}
        onKeyDown={onKeyDown}
        onKeyUp={() => {
          mention.onCaret();
          emoji.onCaret();
        }}
        onClick={() => {
          mention.onCaret();
          emoji.onCaret();
        }}
        onPaste={(e) => {
          // A pasted image (or copied file) is uploaded; pasted text stays text.
          const files = [...(e.clipboardData?.files ?? [])];
          if (!onFiles || disabled || files.length === 0) return;
          e.preventDefault();
          onFiles(files);
        }}
        autoFocus
      />
      <div class="composer-side">
        <button
          type="button"
          class="icon-button emoji-button"
          title={t('emoji.open')}
          aria-label={t('emoji.open')}
          aria-expanded={picker}
          disabled={disabled}
          onClick={() => setPicker(!picker)}
        >
          ☺
        </button>
        {onFiles && <AttachButton disabled={disabled} onFiles={onFiles} />}
        {length > BODY_MAX - 200 && (
          <span class={tooLong ? 'counter over' : 'counter'} aria-live="polite">
            {tooLong
              ? length - BODY_MAX === 1
                ? t('composer.tooLongOne')
                : t('composer.tooLongMany', { count: length - BODY_MAX })
              : t('composer.charsLeft', { count: BODY_MAX - length })}
          </span>
        )}
        <button type="submit" class="primary send" disabled={!canSend} aria-label={t('composer.send')}>
          {t('composer.send')}
        </button>
      </div>
      <p class="composer-hint muted">
        <kbd>{t('composer.hintEnter')}</kbd> {t('composer.hintSend')} · <kbd>Shift</kbd>+
        <kbd>{t('composer.hintEnter')}</kbd> {t('composer.hintNewLine')}
      </p>
    </form>
  );
}

import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { BODY_MAX } from '../validate.ts';
import { AttachButton } from './AttachButton.tsx';

interface Props {
  readonly room: string;
  readonly disabled: boolean;
  readonly onSend: (body: string) => void;
  /** Called on every edit: true while there is text, false when it was emptied. */
  readonly onTyping?: (on: boolean) => void;
  /** Files picked or pasted: upload and send them to the room. */
  readonly onFiles?: (files: File[]) => void;
}

/** Unsent text per room, so switching rooms keeps what you were typing. */
const drafts = new Map<string, string>();
const MAX_HEIGHT_PX = 200;

/** Drop blank leading lines and trailing whitespace; keep indentation inside. */
function tidy(text: string): string {
  return text.replace(/^(?:[ \t]*\r?\n)+/, '').trimEnd();
}

export function Composer({ room, disabled, onSend, onTyping, onFiles }: Props) {
  const [text, setText] = useState(() => drafts.get(room) ?? '');
  const ref = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    setText(drafts.get(room) ?? '');
    ref.current?.focus();
  }, [room]);

  // Grow with the text up to a limit, then scroll.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT_PX)}px`;
  }, [text]);

  const update = (value: string) => {
    setText(value);
    if (value) drafts.set(room, value);
    else drafts.delete(room);
  };

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
      <textarea
        ref={ref}
        name="message"
        rows={1}
        placeholder={disabled ? `Joining #${room}…` : `Message #${room}`}
        aria-label={`Message #${room}`}
        value={text}
        onInput={(e) => {
          update(e.currentTarget.value);
          onTyping?.(e.currentTarget.value.trim().length > 0);
        }}
        onKeyDown={onKeyDown}
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
        {onFiles && <AttachButton disabled={disabled} onFiles={onFiles} />}
        {length > BODY_MAX - 200 && (
          <span class={tooLong ? 'counter over' : 'counter'} aria-live="polite">
            {BODY_MAX - length}
          </span>
        )}
        <button type="submit" class="primary send" disabled={!canSend} aria-label="Send">
          Send
        </button>
      </div>
      <p class="composer-hint muted">
        <kbd>Enter</kbd> to send · <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line
      </p>
    </form>
  );
}

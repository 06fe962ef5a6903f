import { useContext, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.ts';
import { MessageActionsContext } from '../message-context.ts';

/** Inline editing of a message: Enter saves, Shift+Enter is a new line, Esc cancels. */
export function EditBox({ seq, initial }: { seq: number; initial: string }) {
  const actions = useContext(MessageActionsContext);
  const [text, setText] = useState(initial);
  const ref = useRef<HTMLTextAreaElement>(null);

  // Before the first paint: a caret moved later would land in the middle of what is being typed.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);

  const body = text.trimEnd();
  const save = () => {
    if (!actions || body.trim() === '') return;
    if (body === initial) actions.cancelEdit();
    else actions.saveEdit(seq, body);
  };

  return (
    <form
      class="edit-box"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <textarea
        ref={ref}
        name="edit"
        rows={Math.min(8, text.split('\n').length)}
        aria-label={t('messages.editLabel')}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            actions?.cancelEdit();
          } else if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
            e.preventDefault();
            save();
          }
        }}
      />
      <div class="edit-actions">
        <span class="muted">{t('messages.editHint')}</span>
        <button type="button" class="link" onClick={() => actions?.cancelEdit()}>
          {t('messages.cancel')}
        </button>
        <button type="submit" class="primary" disabled={body.trim() === ''}>
          {t('messages.save')}
        </button>
      </div>
    </form>
  );
}

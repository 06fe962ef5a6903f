/**
 * Your display name, in the settings menu (accounts only: a guest's nickname is all it has).
 * Saved with Enter or the button; empty clears it. Errors are said in words, in both languages.
 */
import { useState } from 'preact/hooks';
import { errorCode, errorText } from '../format.ts';
import { t } from '../i18n/index.ts';
import { usePeopleBook } from '../use-people-book.ts';

/** The server's limit (src/protocol/limits.ts displayNameMax), in characters (code points). */
const MAX = 64;

function problem(err: unknown): string {
  const code = errorCode(err);
  if (code === 'display_name_invalid') return t('names.invalid');
  if (code === 'account_required') return t('names.guestOnly');
  return errorText(err);
}

export function DisplayNameField() {
  const book = usePeopleBook();
  const me = book?.me();
  const [value, setValue] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState<{ readonly ok: boolean; readonly text: string } | undefined>();
  const [busy, setBusy] = useState(false);
  if (!book || !me || me.guest) return null;
  const current = value ?? me.name ?? '';
  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    const count = [...current.trim()].length;
    if (count > MAX) {
      setStatus({ ok: false, text: t('names.tooLong', { count }) });
      return;
    }
    setBusy(true);
    try {
      const user = await book.setMyName(current);
      setValue(user.name ?? '');
      setStatus({ ok: true, text: user.name ? t('names.saved') : t('names.cleared', { nick: user.nick }) });
    } catch (err) {
      setStatus({ ok: false, text: problem(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="field display-name-form" onSubmit={(e) => void save(e)}>
      <label for="display-name">{t('names.field')}</label>
      <div class="display-name-row">
        <input
          id="display-name"
          name="display-name"
          type="text"
          autocomplete="nickname"
          placeholder={t('names.placeholder')}
          value={current}
          aria-describedby="display-name-hint"
          aria-invalid={status && !status.ok ? 'true' : undefined}
          onInput={(e) => {
            setValue(e.currentTarget.value);
            setStatus(undefined);
          }}
        />
        <button type="submit" class="small" name="display-name-save" disabled={busy}>
          {t('names.save')}
        </button>
      </div>
      <p id="display-name-hint" class="hint">
        {t('names.hint', { nick: me.nick })}
      </p>
      {status && (
        <p class={status.ok ? 'field-ok' : 'field-error'} role={status.ok ? 'status' : 'alert'}>
          {status.text}
        </p>
      )}
    </form>
  );
}

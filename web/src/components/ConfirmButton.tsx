/**
 * A button whose action is asked twice: the first click shows the question with "Yes" and
 * "Cancel"; the server's error, if any, is shown beside it. Used to leave a room, kick and ban.
 * The wrapper carries `class`; its buttons are `.confirm-ask`, `.confirm-yes` and `.confirm-no`.
 */
import { useState } from 'preact/hooks';
import { errorText } from '../format.ts';
import { t } from '../i18n/index.ts';

interface Props {
  readonly class: string;
  readonly label: string;
  /** The button's accessible name when `label` alone is ambiguous (a person's row). */
  readonly ariaLabel?: string;
  readonly question: string;
  readonly onConfirm: () => Promise<void>;
}

export function ConfirmButton({ class: cls, label, ariaLabel, question, onConfirm }: Props) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      setAsking(false);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <span class={`confirm ${cls}`} data-asking={asking ? 'true' : 'false'}>
      {!asking && (
        <button type="button" class="link confirm-ask" aria-label={ariaLabel} onClick={() => setAsking(true)}>
          {label}
        </button>
      )}
      {asking && (
        <>
          <span class="confirm-question">{question}</span>
          <button type="button" class="link danger confirm-yes" disabled={busy} onClick={() => void confirm()}>
            {t('rooms.confirmYes')}
          </button>
          <button
            type="button"
            class="link confirm-no"
            onClick={() => {
              setAsking(false);
              setError(undefined);
            }}
          >
            {t('common.cancel')}
          </button>
        </>
      )}
      {error && (
        <span class="field-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}

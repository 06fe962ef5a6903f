import { useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.ts';
import { overLimit } from '../length-limit.ts';
import { usePendingAction } from '../use-pending-action.ts';
import { ROOM_MAX, TITLE_MAX, roomProblem, slugify } from '../validate.ts';

interface Props {
  /** `priv`: a private room, seen and entered only by those invited. */
  readonly onCreate: (name: string, title: string, priv: boolean) => Promise<void>;
}

export function CreateRoomForm({ onCreate }: Props) {
  const [name, setName] = useState('');
  const [title, setTitle] = useState('');
  const [priv, setPriv] = useState(false);
  const details = useRef<HTMLDetailsElement>(null);
  const { busy, error, setError, run } = usePendingAction();
  // Said while typing, and the form is not sent: too long is never silently cut.
  const nameLong = overLimit(name.trim(), ROOM_MAX, 'layout.roomTooLong');
  const titleLong = overLimit(title.trim(), TITLE_MAX, 'layout.titleTooLong');

  const submit = async (e: Event) => {
    e.preventDefault();
    const slug = name.trim();
    if (nameLong || titleLong) return;
    const problem = roomProblem(slug);
    if (problem) {
      setError(problem);
      return;
    }
    if (await run(() => onCreate(slug, title.trim(), priv))) {
      setName('');
      setTitle('');
      setPriv(false);
      // Done: the new room is open; fold the form away.
      if (details.current) details.current.open = false;
    }
  };

  return (
    <details ref={details} class="create-room">
      <summary>{t('create.summary')}</summary>
      <form onSubmit={submit} noValidate>
        <label class="field">
          <span>{t('create.name')}</span>
          <input
            name="room"
            placeholder={t('create.namePlaceholder')}
            aria-invalid={nameLong ? 'true' : undefined}
            aria-describedby={nameLong ? 'create-room-long' : undefined}
            autoCapitalize="off"
            autoCorrect="off"
            spellcheck={false}
            value={name}
            // Lowercase and dash as you type, so what you see is the slug you get.
            onInput={(e) => setName(e.currentTarget.value.toLowerCase().replace(/\s/g, '-'))}
            onBlur={() => setName(slugify(name))}
          />
        </label>
        <label class="field">
          <span>{t('create.title')}</span>
          <input
            name="title"
            placeholder={t('create.titlePlaceholder')}
            aria-invalid={titleLong ? 'true' : undefined}
            value={title}
            onInput={(e) => setTitle(e.currentTarget.value)}
          />
        </label>
        {(nameLong ?? titleLong) && (
          <p id="create-room-long" class="field-error too-long" role="alert">
            {nameLong ?? titleLong}
          </p>
        )}
        <label class="check">
          <input type="checkbox" name="private" checked={priv} onChange={(e) => setPriv(e.currentTarget.checked)} />
          <span>{t('rooms.private')}</span>
        </label>
        {error && (
          <p class="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary small" disabled={busy || !!nameLong || !!titleLong}>
          {busy ? t('create.creating') : t('create.submit')}
        </button>
      </form>
    </details>
  );
}

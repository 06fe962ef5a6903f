/** Edit a room's title and topic (shown to those allowed: owner, moderators, DM members). */
import { useState } from 'preact/hooks';
import { errorText } from '../format.ts';
import { t } from '../i18n/index.ts';
import { overLimit } from '../length-limit.ts';
import { TITLE_MAX } from '../validate.ts';

/** LIMITS.topicMax. */
const TOPIC_MAX = 250;

interface Props {
  /** False for a one-to-one DM: it is named by the other person, never renamed. */
  readonly withTitle?: boolean;
  readonly title: string;
  readonly topic: string;
  /** Only the changed values are sent. */
  readonly onSave: (title: string | undefined, topic: string | undefined) => Promise<void>;
  readonly onDone: () => void;
}

export function RoomSettingsForm({ withTitle = true, title, topic, onSave, onDone }: Props) {
  const [newTitle, setTitle] = useState(title);
  const [newTopic, setTopic] = useState(topic);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const long =
    (withTitle ? overLimit(newTitle.trim(), TITLE_MAX, 'layout.titleTooLong') : undefined) ??
    overLimit(newTopic.trim(), TOPIC_MAX, 'layout.topicTooLong');

  const submit = async (e: Event) => {
    e.preventDefault();
    if (long) return;
    const nextTitle = newTitle.trim();
    const nextTopic = newTopic.trim();
    setBusy(true);
    setError(undefined);
    try {
      await onSave(
        withTitle && nextTitle && nextTitle !== title ? nextTitle : undefined,
        nextTopic !== topic ? nextTopic : undefined,
      );
      onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="room-settings" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onDone()}>
      {withTitle && (
        <label class="field">
          <span>{t('rooms.title')}</span>
          <input name="room-title" value={newTitle} onInput={(e) => setTitle(e.currentTarget.value)} />
        </label>
      )}
      <label class="field">
        <span>{t('rooms.topic')}</span>
        <input
          name="room-topic"
          placeholder={t('rooms.topicPlaceholder')}
          value={newTopic}
          onInput={(e) => setTopic(e.currentTarget.value)}
        />
      </label>
      {(long ?? error) && (
        <p class="field-error" role="alert">
          {long ?? error}
        </p>
      )}
      <div class="room-settings-actions">
        <button type="submit" class="primary small" disabled={busy || !!long}>
          {busy ? t('rooms.saving') : t('rooms.save')}
        </button>
        <button type="button" class="link" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/**
 * In place of the composer when you are not a member of the open room (removed, banned, a join
 * the server refused): why, and the way to another room. Never "Joining…" that does not end.
 */
import { t } from '../i18n/index.ts';

interface Props {
  readonly text: string;
  readonly onBrowse: () => void;
}

export function RoomOutside({ text, onBrowse }: Props) {
  return (
    <div class="room-outside" role="status">
      <span>{text}</span>
      <button type="button" class="small" aria-haspopup="dialog" onClick={onBrowse}>
        {t('directory.browse')}
      </button>
    </div>
  );
}

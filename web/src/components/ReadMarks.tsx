import type { UserRef } from '../../../src/client/index.ts';
import { t } from '../i18n/index.ts';
import { seenByText } from '../read-marks.ts';

/** Before the first message that was unread when the room was opened. */
export function NewMessagesDivider() {
  return (
    <div class="new-messages" role="separator" aria-label={t('read.newMessages')}>
      <span>{t('read.newMessages')}</span>
    </div>
  );
}

/** Under the newest message: who else has read it. */
export function SeenBy({ users }: { users: readonly UserRef[] }) {
  if (users.length === 0) return null;
  return (
    <p class="seen-by" title={users.map((u) => u.nick).join(', ')}>
      {seenByText(users)}
    </p>
  );
}

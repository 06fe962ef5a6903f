import type { UserRef } from '../../../src/client/index.ts';
import { t } from '../i18n/index.ts';
import { seenByText } from '../read-marks.ts';
import { useFreshPeople } from '../use-people-book.ts';

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
  const fresh = useFreshPeople();
  if (users.length === 0) return null;
  // A guest is marked, so a guest "bob" and the account @bob read differently; display names first.
  const named = users.map(fresh).map((u) => (u.guest ? { ...u, nick: `${u.nick} (${t('people.guest')})` } : u));
  const full = (u: UserRef): string => (u.guest ? u.nick : u.name ? `${u.name} (@${u.nick})` : `@${u.nick}`);
  return (
    <p class="seen-by" title={named.map(full).join(', ')}>
      {seenByText(named)}
    </p>
  );
}

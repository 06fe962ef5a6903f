import type { UserRef } from '../../../src/client/index.ts';
import { t } from '../i18n/index.ts';
import { shownName } from '../people-book.ts';
import { useFreshPeople } from '../use-people-book.ts';

/** "Alice is typing…", "Alice and Bob are typing…", "Several people are typing…". */
export function typingText(users: readonly UserRef[]): string {
  const [a, b] = users;
  if (!a) return '';
  if (!b) return t('typing.one', { a: shownName(a) });
  if (users.length === 2) return t('typing.two', { a: shownName(a), b: shownName(b) });
  return t('typing.many');
}

export function TypingLine({ users }: { users: readonly UserRef[] }) {
  const fresh = useFreshPeople();
  // Always rendered, so the composer does not jump when someone starts typing.
  return (
    <div class="typing-line" aria-live="polite">
      {typingText(users.map(fresh))}
    </div>
  );
}

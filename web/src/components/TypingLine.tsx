import type { UserRef } from '../../../src/client/index.ts';
import { t } from '../i18n/index.ts';

/** "Alice is typing…", "Alice and Bob are typing…", "Several people are typing…". */
export function typingText(users: readonly UserRef[]): string {
  const [a, b] = users;
  if (!a) return '';
  if (!b) return t('typing.one', { a: a.nick });
  if (users.length === 2) return t('typing.two', { a: a.nick, b: b.nick });
  return t('typing.many');
}

export function TypingLine({ users }: { users: readonly UserRef[] }) {
  // Always rendered, so the composer does not jump when someone starts typing.
  return (
    <div class="typing-line" aria-live="polite">
      {typingText(users)}
    </div>
  );
}

import type { UserRef } from '../../../src/client/index.ts';

/** "Alice is typing…", "Alice and Bob are typing…", "Several people are typing…". */
export function typingText(users: readonly UserRef[]): string {
  const [a, b] = users;
  if (!a) return '';
  if (!b) return `${a.nick} is typing…`;
  if (users.length === 2) return `${a.nick} and ${b.nick} are typing…`;
  return 'Several people are typing…';
}

export function TypingLine({ users }: { users: readonly UserRef[] }) {
  // Always rendered, so the composer does not jump when someone starts typing.
  return (
    <div class="typing-line" aria-live="polite">
      {typingText(users)}
    </div>
  );
}

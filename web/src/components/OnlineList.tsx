import type { UserRef } from '../../../src/client/index.ts';
import { Avatar } from './Avatar.tsx';

interface Props {
  readonly online: readonly UserRef[];
  readonly me: UserRef | undefined;
  /** While disconnected the list may be out of date. */
  readonly stale: boolean;
  readonly onClose: () => void;
}

export function OnlineList({ online, me, stale, onClose }: Props) {
  // You first, then everyone else by nickname.
  const people = [...online].sort((a, b) =>
    a.id === me?.id ? -1 : b.id === me?.id ? 1 : a.nick.localeCompare(b.nick),
  );
  return (
    <aside class="people" aria-label="Online in this room" data-stale={stale ? 'true' : 'false'}>
      <header class="people-header">
        <h2>Online — {people.length}</h2>
        <button type="button" class="icon-button people-close" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      <ul class="people-list">
        {people.map((u) => (
          <li key={u.id} class="person" data-user={u.id}>
            <Avatar user={u} small />
            <span class="person-nick">{u.nick}</span>
            {u.id === me?.id && <span class="muted"> (you)</span>}
          </li>
        ))}
        {people.length === 0 && <li class="muted">Nobody here right now.</li>}
      </ul>
    </aside>
  );
}

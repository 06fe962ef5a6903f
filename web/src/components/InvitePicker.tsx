/**
 * "Invite" in the member panel (owners and moderators): pick one person by nickname among those
 * you share rooms with (use-people.ts) who is not in this room yet, and add them to it.
 */
import { useState } from 'preact/hooks';
import type { UserRef } from '../../../src/client/index.ts';
import { t } from '../i18n/index.ts';
import { personMatches } from '../people-book.ts';
import { usePendingAction } from '../use-pending-action.ts';
import { usePeople, type LoadMembers } from '../use-people.ts';
import { PeopleFilter } from './PeopleFilter.tsx';
import { Avatar } from './Avatar.tsx';
import { PersonName } from './PersonName.tsx';
import { PresenceDot } from './PresenceDot.tsx';

interface Props {
  readonly room: string;
  /** Your rooms (not DMs) whose members are offered. */
  readonly rooms: readonly string[];
  /** Already in the room: not offered. */
  readonly memberIds: ReadonlySet<string>;
  readonly me: UserRef | undefined;
  readonly loadMembers: LoadMembers;
  readonly onInvite: (user: string) => Promise<void>;
}

export function InvitePicker({ room, rooms, memberIds, me, loadMembers, onInvite }: Props) {
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState('');
  const { busy, error, run } = usePendingAction();
  const people = usePeople(open, rooms, me?.id, loadMembers);

  const invite = async (user: UserRef) => {
    if (await run(() => onInvite(user.id))) {
      setFilter('');
      setOpen(false);
    }
  };

  const needle = filter.trim().toLowerCase();
  const shown = (people ?? []).filter((u) => !memberIds.has(u.id) && personMatches(u, needle));
  return (
    <details class="invite-form" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary aria-label={t('rooms.inviteLabel', { room })}>{t('rooms.invite')}</summary>
      <form onSubmit={(e) => e.preventDefault()}>
        <PeopleFilter name="invite-filter" value={filter} onInput={setFilter} people={people} shown={shown.length} />
        <ul class="invite-pick-list">
          {shown.map((u) => (
            <li key={u.id}>
              <button
                type="button"
                class="link invite-pick"
                data-user={u.id}
                disabled={busy}
                aria-label={t('rooms.inviteNick', { nick: u.nick, room })}
                onClick={() => void invite(u)}
              >
                <Avatar user={u} small />
                <PresenceDot userId={u.id} />
                <PersonName user={u} />
              </button>
            </li>
          ))}
        </ul>
        {error && (
          <p class="field-error" role="alert">
            {error}
          </p>
        )}
      </form>
    </details>
  );
}

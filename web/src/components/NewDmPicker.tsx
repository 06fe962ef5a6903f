/**
 * "New message": pick people by nickname among those you share rooms with (the members of your
 * rooms, use-people.ts) and open a direct message with them (one person: your one DM with them).
 * Picked by user id: two people of one name (an account and a guest) are two rows, told apart by
 * `@handle` or the guest tag.
 */
import { useState } from 'preact/hooks';
import { DM_MAX_USERS, type MemberList, type UserRef } from '../../../src/client/index.ts';
import { t } from '../i18n/index.ts';
import { personMatches } from '../people-book.ts';
import { usePendingAction } from '../use-pending-action.ts';
import { usePeople } from '../use-people.ts';
import { Avatar } from './Avatar.tsx';
import { PeopleFilter } from './PeopleFilter.tsx';
import { PersonName } from './PersonName.tsx';
import { PresenceDot } from './PresenceDot.tsx';

interface Props {
  /** Your rooms (not DMs) whose members are offered. */
  readonly rooms: readonly string[];
  readonly me: UserRef | undefined;
  readonly loadMembers: (room: string) => Promise<MemberList>;
  readonly onStart: (users: string[]) => Promise<void>;
}

export function NewDmPicker({ rooms, me, loadMembers, onStart }: Props) {
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState('');
  const [picked, setPicked] = useState<readonly string[]>([]);
  const { busy, error, setError, run } = usePendingAction();

  const people = usePeople(open, rooms, me?.id, loadMembers);

  const toggle = (id: string) => {
    setError(undefined);
    if (picked.includes(id)) setPicked(picked.filter((x) => x !== id));
    else if (picked.length >= DM_MAX_USERS - 1) setError(t('rooms.pickTooMany', { max: DM_MAX_USERS }));
    else setPicked([...picked, id]);
  };

  const start = async (e: Event) => {
    e.preventDefault();
    if (picked.length === 0) return;
    if (await run(() => onStart([...picked]))) {
      setPicked([]);
      setFilter('');
      setOpen(false);
    }
  };

  const needle = filter.trim().toLowerCase();
  const shown = (people ?? []).filter((u) => personMatches(u, needle));
  return (
    <details class="new-dm" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary aria-label={t('rooms.newDmLabel')}>{t('rooms.newDm')}</summary>
      <form onSubmit={start}>
        <PeopleFilter name="dm-filter" value={filter} onInput={setFilter} people={people} shown={shown.length} />
        <ul class="dm-pick-list">
          {shown.map((u) => (
            <li key={u.id}>
              <label class="dm-pick" data-user={u.id}>
                <input type="checkbox" checked={picked.includes(u.id)} onChange={() => toggle(u.id)} />
                <Avatar user={u} small />
                <PresenceDot userId={u.id} />
                <PersonName user={u} />
              </label>
            </li>
          ))}
        </ul>
        {error && (
          <p class="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary small" disabled={busy || picked.length === 0}>
          {t('rooms.pickStart')}
        </button>
      </form>
    </details>
  );
}

/**
 * "New message": pick people by nickname among those you share rooms with (the members of your
 * rooms) and open a direct message with them (one person: your one DM with them).
 */
import { useEffect, useState } from 'preact/hooks';
import { DM_MAX_USERS, type MemberList, type UserRef } from '../../../src/client/index.ts';
import { errorText } from '../format.ts';
import { t } from '../i18n/index.ts';

interface Props {
  /** Your rooms (not DMs) whose members are offered. */
  readonly rooms: readonly string[];
  readonly me: UserRef | undefined;
  readonly loadMembers: (room: string) => Promise<MemberList>;
  readonly onStart: (users: string[]) => Promise<void>;
}

async function peopleOf(rooms: readonly string[], me: string | undefined, load: Props['loadMembers']) {
  const lists = await Promise.all(rooms.map((r) => load(r).catch(() => ({ members: [], more: false }))));
  const byId = new Map<string, UserRef>();
  for (const list of lists) for (const m of list.members) if (m.user.id !== me) byId.set(m.user.id, m.user);
  return [...byId.values()].sort((a, b) => a.nick.localeCompare(b.nick));
}

export function NewDmPicker({ rooms, me, loadMembers, onStart }: Props) {
  const [open, setOpen] = useState(false);
  const [people, setPeople] = useState<UserRef[] | undefined>();
  const [filter, setFilter] = useState('');
  const [picked, setPicked] = useState<readonly string[]>([]);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!open) return;
    let live = true;
    setPeople(undefined);
    void peopleOf(rooms, me?.id, loadMembers).then((p) => live && setPeople(p));
    return () => {
      live = false;
    };
  }, [open, rooms.join(' '), me?.id, loadMembers]);

  const toggle = (id: string) => {
    setError(undefined);
    if (picked.includes(id)) setPicked(picked.filter((x) => x !== id));
    else if (picked.length >= DM_MAX_USERS - 1) setError(t('rooms.pickTooMany', { max: DM_MAX_USERS }));
    else setPicked([...picked, id]);
  };

  const start = async (e: Event) => {
    e.preventDefault();
    if (picked.length === 0) return;
    setBusy(true);
    try {
      await onStart([...picked]);
      setPicked([]);
      setFilter('');
      setOpen(false);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const needle = filter.trim().toLowerCase();
  const shown = (people ?? []).filter((u) => u.nick.toLowerCase().includes(needle));
  return (
    <details class="new-dm" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary aria-label={t('rooms.newDmLabel')}>{t('rooms.newDm')}</summary>
      <form onSubmit={start}>
        <input
          name="dm-filter"
          placeholder={t('rooms.pickFilter')}
          aria-label={t('rooms.pickFilter')}
          value={filter}
          autoComplete="off"
          onInput={(e) => setFilter(e.currentTarget.value)}
        />
        {people === undefined && <p class="muted">{t('rooms.pickLoading')}</p>}
        {people !== undefined && shown.length === 0 && <p class="muted">{t('rooms.pickNone')}</p>}
        <ul class="dm-pick-list">
          {shown.map((u) => (
            <li key={u.id}>
              <label class="dm-pick" data-user={u.id}>
                <input type="checkbox" checked={picked.includes(u.id)} onChange={() => toggle(u.id)} />
                <span>{u.nick}</span>
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

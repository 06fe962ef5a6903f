/**
 * People you share rooms with (the members of your rooms, you left out), by nickname: whom the
 * DM picker and the invite picker offer. Loaded while a picker is open.
 */
import { useEffect, useState } from 'preact/hooks';
import type { MemberList, UserRef } from '../../src/client/index.ts';
import type { ChatState } from './chat-store.ts';
import { isDmName } from './dm.ts';

export type LoadMembers = (room: string) => Promise<MemberList>;

/** Rooms you are a member of (their read state is known), DMs left out, sorted. */
export function sharedRooms(state: ChatState): string[] {
  return Object.keys(state.unread)
    .filter((r) => !isDmName(r))
    .sort();
}

async function peopleOf(rooms: readonly string[], me: string | undefined, load: LoadMembers): Promise<UserRef[]> {
  const lists = await Promise.all(rooms.map((r) => load(r).catch(() => ({ members: [], more: false }))));
  const byId = new Map<string, UserRef>();
  for (const list of lists) for (const m of list.members) if (m.user.id !== me) byId.set(m.user.id, m.user);
  return [...byId.values()].sort((a, b) => a.nick.localeCompare(b.nick));
}

/** The people of `rooms` while `open`; undefined while loading. */
export function usePeople(
  open: boolean,
  rooms: readonly string[],
  me: string | undefined,
  load: LoadMembers,
): UserRef[] | undefined {
  const [people, setPeople] = useState<UserRef[] | undefined>();
  useEffect(() => {
    if (!open) return;
    let live = true;
    setPeople(undefined);
    void peopleOf(rooms, me, load).then((p) => live && setPeople(p));
    return () => {
      live = false;
    };
  }, [open, rooms.join(' '), me, load]);
  return people;
}

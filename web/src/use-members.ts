/**
 * The current room's members with roles (the `members` request), fetched when the room opens and
 * again whenever its log shows a membership or role change.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Member, RoomEvent } from '../../src/client/index.ts';
import type { ChatStore } from './chat-store.ts';
import { errorText } from './format.ts';

const MEMBERSHIP: ReadonlySet<string> = new Set(['join', 'leave', 'invite', 'kick', 'ban', 'role']);

export interface MembersState {
  readonly room: string;
  readonly members: readonly Member[];
  readonly error?: string;
}

export function useMembers(
  store: ChatStore,
  room: string,
  events: readonly RoomEvent[] | undefined,
  joined: boolean,
): MembersState {
  const [state, setState] = useState<MembersState>({ room, members: [] });
  // The newest membership change seen: a new one means the list is out of date.
  const changed = useMemo(() => {
    if (!events) return 0;
    for (let i = events.length - 1; i >= 0; i--) {
      const e = events[i];
      if (e && MEMBERSHIP.has(e.kind)) return e.seq;
    }
    return 0;
  }, [events]);
  useEffect(() => {
    if (!joined) return;
    let live = true;
    store.members(room).then(
      (list) => live && setState({ room, members: list.members }),
      (err: unknown) => live && setState({ room, members: [], error: errorText(err) }),
    );
    return () => {
      live = false;
    };
  }, [store, room, joined, changed]);
  return state.room === room ? state : { room, members: [] };
}

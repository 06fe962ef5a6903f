/**
 * The current room's members with roles (the `members` request), fetched when the room opens and
 * again whenever its log shows a membership or role change. `total` is the room's member count
 * (the list stops at 1,000). A large room's joins and leaves are quiet (not logged), so while the
 * member panel shows such a room the list is asked for again every 30 s.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Member, RoomEvent } from '../../src/client/index.ts';
import type { ChatStore } from './chat-store.ts';
import { errorText } from './format.ts';

const MEMBERSHIP: ReadonlySet<string> = new Set(['join', 'leave', 'invite', 'kick', 'ban', 'role']);
/** How often a quiet room's open member panel asks again. */
export const QUIET_REFRESH_MS = 30_000;

export interface MembersState {
  readonly room: string;
  readonly members: readonly Member[];
  /** The room's member count; undefined until the first answer. */
  readonly total?: number;
  readonly error?: string;
}

/** Below this width the member panel shows only when opened (styles/narrow-screens.css). */
const NARROW = '(max-width: 1100px)';

/** Whether the member panel is on screen: always on a wide screen, else when opened. */
function useShown(opened: boolean): boolean {
  const query = typeof matchMedia === 'function' ? matchMedia(NARROW) : undefined;
  const [narrow, setNarrow] = useState(query?.matches ?? false);
  useEffect(() => {
    if (!query) return;
    const changed = (): void => setNarrow(query.matches);
    query.addEventListener('change', changed);
    return () => query.removeEventListener('change', changed);
  }, []);
  return opened || !narrow;
}

export interface MembersOptions {
  /** The member panel is opened (its toggle; a wide screen always shows it). */
  readonly open: boolean;
  /** The room's joins and leaves are not logged (a large room: presence is a count only). */
  readonly quiet: boolean;
}

export function useMembers(
  store: ChatStore,
  room: string,
  events: readonly RoomEvent[] | undefined,
  joined: boolean,
  { open, quiet }: MembersOptions = { open: false, quiet: false },
): MembersState {
  const [state, setState] = useState<MembersState>({ room, members: [] });
  const shown = useShown(open);
  // Bumped by the quiet room's timer: the list is asked for again.
  const [tick, setTick] = useState(0);
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
      (list) => live && setState({ room, members: list.members, total: list.total }),
      (err: unknown) => live && setState({ room, members: [], error: errorText(err) }),
    );
    return () => {
      live = false;
    };
  }, [store, room, joined, changed, tick]);
  useEffect(() => {
    if (!joined || !shown || !quiet) return;
    const timer = setInterval(() => setTick((n) => n + 1), QUIET_REFRESH_MS);
    return () => clearInterval(timer);
  }, [room, joined, shown, quiet]);
  return state.room === room ? state : { room, members: [] };
}

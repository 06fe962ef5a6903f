/** The sidebar's "Direct messages": each DM by the other people's nicknames, with its unread badge. */
import { dmPeers, type MemberList, type RoomInfo } from '../../../src/client/index.ts';
import type { ChatState } from '../chat-store.ts';
import { dmLabel } from '../dm.ts';
import { t } from '../i18n/index.ts';
import { Avatar } from './Avatar.tsx';
import { NewDmPicker } from './NewDmPicker.tsx';
import { PresenceDot } from './PresenceDot.tsx';
import { UnreadBadge } from './UnreadBadge.tsx';
import { sharedRooms } from '../use-people.ts';
import { myRooms as joinedRooms } from '../store/room-list.ts';
import { shownName } from '../people-book.ts';
import { useFreshPeople } from '../use-people-book.ts';

interface Props {
  readonly state: ChatState;
  readonly onOpen: (room: string) => void;
  readonly loadMembers: (room: string) => Promise<MemberList>;
  readonly onStartDm: (users: string[]) => Promise<void>;
}

export function DmList({ state, onOpen, loadMembers, onStartDm }: Props) {
  // Only the DMs you are in (a DM you left stays in the room list until its next message).
  const mine = new Set(joinedRooms(state));
  const dms: RoomInfo[] = state.rooms.filter((r) => r.dm !== undefined && mine.has(r.name));
  // Whose members to offer (use-people.ts).
  const myRooms = sharedRooms(state);
  const fresh = useFreshPeople();
  const labelled = dms
    .map((r) => ({ room: r, label: dmLabel(r, state.user, (u) => shownName(fresh(u))) }))
    .sort((a, b) => a.label.localeCompare(b.label));
  return (
    <section class="dms" aria-label={t('rooms.dms')}>
      <div class="section-head">
        <h2>{t('rooms.dms')}</h2>
      </div>
      <ul class="room-list dm-list">
        {labelled.map(({ room, label }) => {
          const active = room.name === state.current;
          const counts = active ? undefined : state.unread[room.name];
          // One-to-one: the other person's status dot.
          const peers = dmPeers(room, state.user?.id);
          const peer = peers.length === 1 ? peers[0] : undefined;
          return (
            <li key={room.name}>
              <button
                type="button"
                class={`room-link dm-link${active ? ' active' : ''}${(counts?.unread ?? 0) > 0 ? ' has-unread' : ''}`}
                aria-current={active ? 'page' : undefined}
                data-room={room.name}
                title={label}
                onClick={() => onOpen(room.name)}
              >
                {/* The other person's initial; a group shows its first other member's with a count. */}
                <span class="dm-avatar">
                  {peers[0] ? <Avatar user={peers[0]} small /> : <span class="hash">@</span>}
                  {peer && <PresenceDot userId={peer.id} />}
                  {peers.length > 1 && <span class="dm-count">{peers.length}</span>}
                </span>
                <span class="room-link-name">{label}</span>
                <UnreadBadge unread={counts?.unread ?? 0} mentions={counts?.mentions ?? 0} />
              </button>
            </li>
          );
        })}
        {labelled.length === 0 && <li class="muted dm-none">{t('rooms.dmsNone')}</li>}
      </ul>
      <NewDmPicker rooms={myRooms} me={state.user} loadMembers={loadMembers} onStart={onStartDm} />
    </section>
  );
}

import type { MemberList, RoomInfo } from '../../../src/client/index.ts';
import { DEFAULT_ROOM, type ChatState } from '../chat-store.ts';
import { t } from '../i18n/index.ts';
import { Avatar } from './Avatar.tsx';
import { CreateRoomForm } from './CreateRoomForm.tsx';
import { isDmName } from '../dm.ts';
import { DmList } from './DmList.tsx';
import { RoomDirectory } from './RoomDirectory.tsx';
import { SettingsMenu } from './SettingsMenu.tsx';
import { UnreadBadge } from './UnreadBadge.tsx';

interface Props {
  readonly state: ChatState;
  readonly onOpen: (room: string) => void;
  readonly onCreate: (name: string, title: string, priv: boolean) => Promise<void>;
  readonly onRefresh: () => void;
  readonly onSignOut: () => void;
  /** Direct messages (DmList): members of your rooms to pick from, and opening one. */
  readonly loadMembers: (room: string) => Promise<MemberList>;
  readonly onStartDm: (users: string[]) => Promise<void>;
}

/** Rooms from the server, plus any room this tab joined that the list does not show yet. */
function roomList(state: ChatState): Array<Pick<RoomInfo, 'name' | 'title'>> {
  const byName = new Map<string, Pick<RoomInfo, 'name' | 'title'>>();
  byName.set(DEFAULT_ROOM, { name: DEFAULT_ROOM, title: '' });
  for (const r of state.rooms) byName.set(r.name, r);
  for (const v of Object.values(state.views))
    if (!byName.has(v.name)) byName.set(v.name, v.info ?? { name: v.name, title: '' });
  // DMs have their own list (DmList), by the other people's names.
  return [...byName.values()].filter((r) => !isDmName(r.name));
}

export function Sidebar({ state, onOpen, onCreate, onRefresh, onSignOut, loadMembers, onStartDm }: Props) {
  const rooms = roomList(state);
  return (
    <nav class="sidebar" aria-label={t('chat.rooms')}>
      <div class="brand">
        <span class="brand-mark" aria-hidden="true" />
        Parley
      </div>
      <div class="section-head">
        <h2>{t('chat.rooms')}</h2>
        <button
          type="button"
          class="icon-button"
          onClick={onRefresh}
          title={t('chat.refreshRooms')}
          aria-label={t('chat.refresh')}
        >
          ↻
        </button>
      </div>
      {state.roomsError && <p class="field-error">{state.roomsError}</p>}
      <ul class="room-list">
        {rooms.map((r) => {
          const active = r.name === state.current;
          // The open room is being read: no badge for it.
          const counts = active ? undefined : state.unread[r.name];
          return (
            <li key={r.name}>
              <button
                type="button"
                class={active ? 'room-link active' : 'room-link'}
                aria-current={active ? 'page' : undefined}
                data-room={r.name}
                title={r.title || r.name}
                onClick={() => onOpen(r.name)}
              >
                <span class="hash" aria-hidden="true">
                  #
                </span>
                <span class="room-link-name">{r.name}</span>
                <UnreadBadge unread={counts?.unread ?? 0} mentions={counts?.mentions ?? 0} />
              </button>
            </li>
          );
        })}
      </ul>
      <RoomDirectory
        rooms={state.rooms}
        mine={new Set(Object.keys(state.unread))}
        onJoin={onOpen}
        onRefresh={onRefresh}
      />
      <DmList state={state} onOpen={onOpen} loadMembers={loadMembers} onStartDm={onStartDm} />
      <CreateRoomForm onCreate={onCreate} />
      {state.user && (
        <div class="me">
          <Avatar user={state.user} />
          <div class="me-text">
            <span class="me-nick">{state.user.nick}</span>
            <button type="button" class="link" onClick={onSignOut}>
              {t('chat.signOut')}
            </button>
          </div>
          <SettingsMenu notifications />
        </div>
      )}
    </nav>
  );
}

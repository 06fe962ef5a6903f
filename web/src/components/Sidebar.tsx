import type { MemberList, RoomEvent, RoomInfo } from '../../../src/client/index.ts';
import type { ChatState } from '../chat-store.ts';
import { t } from '../i18n/index.ts';
import { isDmName } from '../dm.ts';
import { directoryRooms, myRooms } from '../store/room-list.ts';
import { Avatar } from './Avatar.tsx';
import { CreateRoomForm } from './CreateRoomForm.tsx';
import { DmList } from './DmList.tsx';
import { LockIcon } from './LockIcon.tsx';
import { RoomDirectory } from './RoomDirectory.tsx';
import { SettingsMenu } from './SettingsMenu.tsx';
import { UnreadBadge } from './UnreadBadge.tsx';

interface Props {
  readonly state: ChatState;
  readonly onOpen: (room: string) => void;
  readonly onCreate: (name: string, title: string, priv: boolean) => Promise<void>;
  readonly onSignOut: () => void;
  /** Direct messages (DmList): members of your rooms to pick from, and opening one. */
  readonly loadMembers: (room: string) => Promise<MemberList>;
  readonly onStartDm: (users: string[]) => Promise<void>;
  /** The directory: open or close it, preview a room, join one. */
  readonly onDirectory: (open: boolean) => void;
  readonly loadPreview: (room: string, limit: number) => Promise<RoomEvent[]>;
  readonly onJoin: (room: string) => void;
}

/** Your rooms (not DMs: DmList lists those), with what the room list knows of each. */
function roomList(state: ChatState): Array<Pick<RoomInfo, 'name' | 'title' | 'visibility'>> {
  const known = new Map(state.rooms.map((r) => [r.name, r]));
  return myRooms(state)
    .filter((name) => !isDmName(name))
    .map((name) => known.get(name) ?? state.views[name]?.info ?? { name, title: '', visibility: 'public' });
}

export function Sidebar(props: Props) {
  const { state, onOpen, onCreate, onSignOut, loadMembers, onStartDm, onDirectory } = props;
  const rooms = roomList(state);
  return (
    <nav class="sidebar" aria-label={t('chat.rooms')}>
      <div class="brand">
        <span class="brand-mark" aria-hidden="true" />
        Parley
      </div>
      <div class="section-head">
        <h2>{t('chat.rooms')}</h2>
      </div>
      {state.roomsError && <p class="field-error">{state.roomsError}</p>}
      <ul class="room-list">
        {rooms.map((r) => {
          const active = r.name === state.current;
          // The open room is being read: no badge for it.
          const counts = active ? undefined : state.unread[r.name];
          const priv = r.visibility === 'private';
          return (
            <li key={r.name}>
              <button
                type="button"
                class={`room-link${active ? ' active' : ''}${(counts?.unread ?? 0) > 0 ? ' has-unread' : ''}`}
                aria-current={active ? 'page' : undefined}
                data-room={r.name}
                data-private={priv ? 'true' : undefined}
                // The full name, which the row may cut short, and the title.
                title={r.title && r.title !== r.name ? `#${r.name} — ${r.title}` : `#${r.name}`}
                onClick={() => onOpen(r.name)}
              >
                <span class="hash" aria-hidden="true">
                  #
                </span>
                <span class="room-link-name">{r.name}</span>
                {priv && <LockIcon />}
                <UnreadBadge unread={counts?.unread ?? 0} mentions={counts?.mentions ?? 0} />
              </button>
            </li>
          );
        })}
        {rooms.length === 0 && state.mine !== undefined && <li class="muted room-none">{t('directory.noRooms')}</li>}
      </ul>
      <button type="button" class="link browse-rooms" aria-haspopup="dialog" onClick={() => onDirectory(true)}>
        {t('directory.browse')}
      </button>
      <RoomDirectory
        open={state.directoryOpen === true}
        rooms={directoryRooms(state)}
        onClose={() => onDirectory(false)}
        onJoin={props.onJoin}
        loadPreview={props.loadPreview}
      />
      <DmList state={state} onOpen={onOpen} loadMembers={loadMembers} onStartDm={onStartDm} />
      <CreateRoomForm onCreate={onCreate} />
      {state.user && (
        <div class="me">
          <Avatar user={state.user} />
          <div class="me-text">
            <span class="me-nick" title={`@${state.user.nick}`}>
              {state.user.name ?? state.user.nick}
            </span>
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

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { DEFAULT_ROOM, type ChatState, type ChatStore } from '../chat-store.ts';
import { roomLabel } from '../dm.ts';
import { t } from '../i18n/index.ts';
import { useFileDrop } from '../use-file-drop.ts';
import { useMessageFocus } from '../use-message-focus.ts';
import { useMessageUi } from '../use-message-ui.ts';
import { useNotifications } from '../use-notifications.ts';
import { useSearch } from '../use-search.ts';
import { Composer } from './Composer.tsx';
import { ConnectionBadge } from './ConnectionBadge.tsx';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { MessageContexts } from './MessageContexts.tsx';
import { MessageList } from './MessageList.tsx';
import { MemberPanel } from './MemberPanel.tsx';
import { RoomHeading } from './RoomHeading.tsx';
import { RoomOutside } from './RoomOutside.tsx';
import { canEditRoom, canModerate } from '../room-permissions.ts';
import { sharedRooms } from '../use-people.ts';
import { InvitePicker } from './InvitePicker.tsx';
import { useMembers } from '../use-members.ts';
import { SearchBox } from './SearchBox.tsx';
import { SearchPanel } from './SearchPanel.tsx';
import { TypingLine } from './TypingLine.tsx';
import { Sidebar } from './Sidebar.tsx';
import { QuickSwitcher } from './QuickSwitcher.tsx';
import { useKeyboardShortcuts } from '../use-keyboard-shortcuts.ts';
import { useRovingMessages } from '../use-roving-messages.ts';
import { UploadList } from './UploadList.tsx';

interface Props {
  readonly store: ChatStore;
  readonly state: ChatState;
  readonly onSignOut: () => void;
}

export function ChatScreen({ store, state, onSignOut }: Props) {
  const [navOpen, setNavOpen] = useState(false);
  const [peopleOpen, setPeopleOpen] = useState(false);
  const room = state.current;
  const view = state.views[room];
  const info = view?.info ?? state.rooms.find((r) => r.name === room);
  // "#room", or "@alice" in a DM: how the room is named in running text.
  const label = roomLabel(info ?? { name: room }, state.user);

  // The tab title tells about unread messages in other rooms.
  const unread = Object.values(state.unread).reduce((n, u) => n + (u.room === room ? 0 : u.unread), 0);
  const markRead = useCallback((seq: number) => store.markRead(room, seq), [store, room]);
  useEffect(() => {
    document.title = unread ? t('title.unread', { count: unread, room: label }) : t('title.room', { room: label });
  }, [unread, label]);
  useEffect(
    () => () => {
      document.title = 'Parley';
    },
    [],
  );

  // Files dropped on the room pane, pasted or picked are uploaded and sent to the current room.
  const roomRef = useRef<HTMLElement>(null);
  const joined = view?.status === 'joined';
  const onFiles = useCallback((files: File[]) => store.files.start(room, files), [store, room]);
  const dragging = useFileDrop(roomRef, onFiles, joined);

  // Search: results over the room pane; a click opens the message in its room, highlighted.
  const find = useSearch(store);
  // Members with roles: the member panel, and whether you may edit the title and topic.
  // A large room (presence a count only) does not log joins: its open panel asks again now and then.
  const quiet = (view?.online.length ?? 0) === 0 && (view?.onlineCount ?? 0) > 0;
  const members = useMembers(store, room, view?.events, view?.status === 'joined', { open: peopleOpen, quiet });
  const loadMembers = useCallback((name: string) => store.members(name), [store]);
  const moderator = canModerate(info, members.members, state.user);
  useMessageFocus(find.focus);
  // Edit, delete, react, reply and @mentions (use-message-ui.ts).
  const ui = useMessageUi(store, room, view, state.user);
  useNotifications(store, state);

  // The search box is cleared when you change rooms yourself (a jump to a result keeps it).
  const [searchKey, setSearchKey] = useState(0);
  const leaveSearch = useCallback(() => {
    find.clear();
    setSearchKey((k) => k + 1);
  }, [find.clear]);
  const openRoom = useCallback(
    (name: string) => {
      if (name !== store.getState().current) leaveSearch();
      store.openRoom(name);
      setNavOpen(false);
    },
    [store, leaveSearch],
  );
  // Keys (docs/web.md): Ctrl/Cmd+K, Alt+↑/↓; one Tab stop for the messages.
  // A count, not a flag: every Ctrl+K renders, even one pressed before the dialog's close event.
  const [switcher, setSwitcher] = useState(0);
  const openSwitcher = useCallback(() => setSwitcher((n) => n + 1), []);
  useKeyboardShortcuts({ current: room, onSwitcher: openSwitcher, onOpen: openRoom });
  const bodyRef = useRef<HTMLDivElement>(null);
  useRovingMessages(bodyRef, room);

  // Not a member (removed, banned, a refused join): no composer, the reason and the directory.
  const outside = view ? view.status === 'error' : state.mine !== undefined && !state.mine.includes(room);

  return (
    <div class="chat" data-nav={navOpen ? 'open' : 'closed'} data-people={peopleOpen ? 'open' : 'closed'}>
      <Sidebar
        state={state}
        onOpen={openRoom}
        onCreate={(name, title, priv) => store.createRoom(name, title, priv)}
        onSignOut={onSignOut}
        loadMembers={loadMembers}
        onStartDm={(users) => store.openDm(users).then(leaveSearch)}
        onDirectory={(open) => store.showDirectory(open)}
        loadPreview={(name, limit) => store.preview(name, limit)}
        onJoin={(name) => {
          leaveSearch();
          store.joinRoom(name);
          setNavOpen(false);
        }}
      />
      <button
        type="button"
        class="scrim"
        aria-label={t('chat.closeMenu')}
        tabIndex={-1}
        onClick={() => setNavOpen(false)}
      />
      <main ref={roomRef} class="room" aria-label={t('chat.roomLabel', { room })}>
        {dragging && (
          <div class="drop-overlay" aria-hidden="true">
            {t('chat.dropHere', { room: label })}
          </div>
        )}
        <header class="room-header">
          <button
            type="button"
            class="icon-button nav-toggle"
            aria-label={t('chat.rooms')}
            aria-expanded={navOpen}
            onClick={() => setNavOpen(!navOpen)}
          >
            <span class="burger" aria-hidden="true" />
          </button>
          <RoomHeading
            room={room}
            info={info}
            me={state.user}
            canEdit={canEditRoom(info, members.members, state.user)}
            oneToOne={info?.dm?.length === 2}
            onSave={(title, topic) => store.setRoomMeta(room, title, topic)}
            onLeave={room === DEFAULT_ROOM || !joined ? undefined : () => store.leave(room)}
          />
          <button
            type="button"
            class="people-toggle"
            aria-expanded={peopleOpen}
            onClick={() => setPeopleOpen(!peopleOpen)}
            title={t('chat.whoOnline')}
          >
            <span class="online-dot" aria-hidden="true" />
            {t('chat.onlineCount', { count: view?.onlineCount ?? 0 })}
          </button>
          <SearchBox key={searchKey} onSearch={(q) => find.search(q)} onClose={find.clear} onFocus={find.reopen} />
          <ConnectionBadge conn={state.conn} onReconnect={() => store.reconnect()} />
        </header>
        <ConnectionBanner conn={state.conn} onRetry={() => store.reconnect()} />
        {state.notice && (
          <div class="notice" role="alert">
            <span>{state.notice}</span>
            <button type="button" class="link" onClick={() => store.dismissNotice()}>
              {t('common.dismiss')}
            </button>
          </div>
        )}
        {/* The search results cover the messages only: never the composer. */}
        <div class="room-body" ref={bodyRef}>
          {view ? (
            <MessageContexts ui={ui}>
              <MessageList
                view={view}
                me={state.user}
                onLoadOlder={() => void store.loadOlder(room)}
                onLoadNewer={() => void store.loadNewer(room)}
                onJumpTo={(seq) => store.jumpTo(room, seq)}
                onShowLatest={() => void store.showLatest(room)}
                onRetry={(key) => store.retry(room, key)}
                onDiscard={(key) => store.discard(room, key)}
                onRejoin={() => store.openRoom(room)}
                onReloadHistory={() => store.reloadHistory(room)}
                onRead={markRead}
              />
            </MessageContexts>
          ) : (
            <div class="messages" />
          )}
          {find.state.open && (
            <SearchPanel
              search={find.state}
              room={room}
              label={label}
              rooms={state.rooms}
              me={state.user}
              onScope={(scope) => find.search(find.state.q, scope)}
              onMore={find.more}
              onJump={(r) => void find.jump(r)}
              onClose={find.clear}
            />
          )}
        </div>
        <TypingLine users={view?.typing ?? []} />
        <UploadList files={store.files} room={room} />
        {outside ? (
          <RoomOutside
            text={view?.error ?? t('directory.outside', { room: label })}
            onBrowse={() => store.showDirectory(true)}
          />
        ) : (
          <Composer
            onFiles={onFiles}
            room={room}
            label={label}
            disabled={view?.status !== 'joined'}
            onSend={(body) => {
              store.send(room, body, ui.reply?.seq);
              ui.cancelReply();
            }}
            onTyping={(on) => store.typing(room, on)}
            reply={ui.reply}
            onCancelReply={ui.cancelReply}
            onEditLast={ui.editLast}
            mentionNames={ui.names.nicks}
            me={state.user?.nick}
          />
        )}
      </main>
      <QuickSwitcher
        open={switcher > 0}
        state={state}
        loadMembers={loadMembers}
        onClose={() => setSwitcher(0)}
        onOpenRoom={openRoom}
        onOpenDm={(user) => void store.messageUser(user.id).then((opened) => opened && leaveSearch())}
      />
      <MemberPanel
        members={members.members}
        total={members.total}
        error={members.error}
        online={view?.online ?? []}
        me={state.user}
        stale={state.conn.state !== 'connected'}
        onMessage={(user) => void store.messageUser(user.id)}
        onClose={() => setPeopleOpen(false)}
        invite={
          moderator && (
            <InvitePicker
              room={room}
              rooms={sharedRooms(state)}
              memberIds={new Set(members.members.map((m) => m.user.id))}
              me={state.user}
              loadMembers={loadMembers}
              onInvite={(user) => store.moderate('invite', room, user)}
            />
          )
        }
        onRemove={moderator ? (kind, user) => store.moderate(kind, room, user) : undefined}
      />
    </div>
  );
}

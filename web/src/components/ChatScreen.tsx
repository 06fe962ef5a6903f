import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ChatState, ChatStore } from '../chat-store.ts';
import { useFileDrop } from '../use-file-drop.ts';
import { useMessageFocus } from '../use-message-focus.ts';
import { useSearch } from '../use-search.ts';
import { Composer } from './Composer.tsx';
import { ConnectionBadge } from './ConnectionBadge.tsx';
import { MessageList } from './MessageList.tsx';
import { OnlineList } from './OnlineList.tsx';
import { SearchBox } from './SearchBox.tsx';
import { SearchPanel } from './SearchPanel.tsx';
import { TypingLine } from './TypingLine.tsx';
import { Sidebar } from './Sidebar.tsx';
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

  // The tab title tells about unread messages in other rooms.
  const unread = Object.values(state.unread).reduce((n, u) => n + (u.room === room ? 0 : u.unread), 0);
  const markRead = useCallback((seq: number) => store.markRead(room, seq), [store, room]);
  useEffect(() => {
    document.title = `${unread ? `(${unread}) ` : ''}#${room} · Parley`;
  }, [unread, room]);
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
  useMessageFocus(find.focus);

  const openRoom = useCallback(
    (name: string) => {
      store.openRoom(name);
      setNavOpen(false);
    },
    [store],
  );

  return (
    <div class="chat" data-nav={navOpen ? 'open' : 'closed'} data-people={peopleOpen ? 'open' : 'closed'}>
      <Sidebar
        state={state}
        onOpen={openRoom}
        onCreate={(name, title) => store.createRoom(name, title)}
        onRefresh={() => void store.refreshRooms()}
        onSignOut={onSignOut}
      />
      <button type="button" class="scrim" aria-label="Close menu" tabIndex={-1} onClick={() => setNavOpen(false)} />
      <main ref={roomRef} class="room" aria-label={`Room ${room}`}>
        {dragging && (
          <div class="drop-overlay" aria-hidden="true">
            Drop to send to #{room}
          </div>
        )}
        <header class="room-header">
          <button
            type="button"
            class="icon-button nav-toggle"
            aria-label="Rooms"
            aria-expanded={navOpen}
            onClick={() => setNavOpen(!navOpen)}
          >
            <span class="burger" aria-hidden="true" />
          </button>
          <div class="room-heading">
            <h1 class="room-name">
              <span class="hash" aria-hidden="true">
                #
              </span>
              {room}
            </h1>
            {info?.title && info.title !== room && <p class="room-title">{info.title}</p>}
          </div>
          <button
            type="button"
            class="people-toggle"
            aria-expanded={peopleOpen}
            onClick={() => setPeopleOpen(!peopleOpen)}
            title="Who is online"
          >
            <span class="online-dot" aria-hidden="true" />
            {view?.online.length ?? 0} online
          </button>
          <SearchBox onSearch={(q) => find.search(q)} onClose={find.clear} onFocus={find.reopen} />
          <ConnectionBadge conn={state.conn} onReconnect={() => store.reconnect()} />
        </header>
        {find.state.open && (
          <SearchPanel
            search={find.state}
            room={room}
            onScope={(scope) => find.search(find.state.q, scope)}
            onMore={find.more}
            onJump={(r) => void find.jump(r)}
            onClose={find.clear}
          />
        )}
        {state.notice && (
          <div class="notice" role="alert">
            <span>{state.notice}</span>
            <button type="button" class="link" onClick={() => store.dismissNotice()}>
              Dismiss
            </button>
          </div>
        )}
        {view ? (
          <MessageList
            view={view}
            me={state.user}
            onLoadOlder={() => void store.loadOlder(room)}
            onRetry={(key) => store.retry(room, key)}
            onDiscard={(key) => store.discard(room, key)}
            onRejoin={() => store.openRoom(room)}
            onReloadHistory={() => store.reloadHistory(room)}
            onRead={markRead}
          />
        ) : (
          <div class="messages" />
        )}
        <TypingLine users={view?.typing ?? []} />
        <UploadList files={store.files} room={room} />
        <Composer
          onFiles={onFiles}
          room={room}
          disabled={view?.status !== 'joined'}
          onSend={(body) => store.send(room, body)}
          onTyping={(on) => store.typing(room, on)}
        />
      </main>
      <OnlineList
        online={view?.online ?? []}
        me={state.user}
        stale={state.conn.state !== 'connected'}
        onClose={() => setPeopleOpen(false)}
      />
    </div>
  );
}

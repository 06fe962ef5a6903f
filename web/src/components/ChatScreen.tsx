import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ChatState, ChatStore } from '../chat-store.ts';
import { Composer } from './Composer.tsx';
import { ConnectionBadge } from './ConnectionBadge.tsx';
import { MessageList } from './MessageList.tsx';
import { OnlineList } from './OnlineList.tsx';
import { TypingLine } from './TypingLine.tsx';
import { Sidebar } from './Sidebar.tsx';

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
  const unread = Object.values(state.views).reduce((n, v) => n + v.unread, 0);
  useEffect(() => {
    document.title = `${unread ? `(${unread}) ` : ''}#${room} · Parley`;
  }, [unread, room]);
  useEffect(
    () => () => {
      document.title = 'Parley';
    },
    [],
  );

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
      <main class="room" aria-label={`Room ${room}`}>
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
          <ConnectionBadge conn={state.conn} onReconnect={() => store.reconnect()} />
        </header>
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
          />
        ) : (
          <div class="messages" />
        )}
        <TypingLine users={view?.typing ?? []} />
        <Composer
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

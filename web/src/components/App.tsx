import { useCallback, useEffect, useState } from 'preact/hooks';
import { createClient } from '../../../src/client/index.ts';
import { ChatStore } from '../chat-store.ts';
import { guardSession } from '../tab-guard.ts';
import { lastNick, rememberNick, saveRoom, saveSession, savedRoom, savedSession } from '../storage.ts';
import { useChatState } from '../use-store.ts';
import { ChatScreen } from './ChatScreen.tsx';
import { Login } from './Login.tsx';

/** Same origin as the page: the server serves the app at / and the WebSocket at /ws. */
function socketUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

function makeStore(nick: string, session?: string): ChatStore {
  let guarded: string | undefined;
  let stopGuard: (() => void) | undefined;
  const store: ChatStore = new ChatStore({
    url: socketUrl(),
    nick,
    ...(session ? { session } : {}),
    ...(savedRoom() ? { room: savedRoom() } : {}),
    createClient,
    onWelcome: (user, token) => {
      saveSession({ nick: user.nick, session: token });
      rememberNick(user.nick);
      if (token === guarded) return;
      stopGuard?.();
      guarded = token;
      stopGuard = guardSession(token, () =>
        store.refuse(
          'session_in_use',
          `You are signed in as ${user.nick} in another tab. Pick a nickname for this tab.`,
        ),
      );
    },
    onRoom: saveRoom,
    onDispose: () => stopGuard?.(),
  });
  return store;
}

export function App() {
  // A saved session (this tab, before a reload) reconnects as the same user right away.
  const [store, setStore] = useState<ChatStore | null>(() => {
    const saved = savedSession();
    return saved ? makeStore(saved.nick, saved.session) : null;
  });
  const [login, setLogin] = useState<{ nick: string; error?: string }>(() => ({ nick: lastNick() }));
  const state = useChatState(store);

  useEffect(() => {
    if (!store) return;
    store.start();
    return () => store.dispose();
  }, [store]);

  // The server refused the nickname or session: back to the nickname screen.
  const loginError = state?.loginError;
  const closedBeforeWelcome = state !== null && !state.welcomed && state.conn.state === 'closed';
  useEffect(() => {
    if (!store || !state) return;
    if (!loginError && closedBeforeWelcome) {
      // The server ended the connection for good before letting us in.
      store.dispose();
      setLogin({ nick: state.nick, error: `Could not connect${state.conn.reason ? `: ${state.conn.reason}` : '.'}` });
      setStore(null);
      return;
    }
    if (!loginError) return;
    store.dispose();
    saveSession(null);
    if (loginError.code === 'session_unknown') {
      // The saved session expired: try again as a new user with the same nickname.
      setStore(makeStore(state.nick));
      return;
    }
    setLogin({ nick: state.nick, error: loginError.message });
    setStore(null);
  }, [store, loginError, closedBeforeWelcome, state]);

  const join = useCallback((nick: string) => {
    setLogin({ nick });
    setStore(makeStore(nick));
  }, []);

  const signOut = useCallback(() => {
    saveSession(null);
    setLogin({ nick: store?.getState().nick ?? lastNick() });
    setStore(null);
  }, [store]);

  if (store && state?.welcomed) return <ChatScreen store={store} state={state} onSignOut={signOut} />;
  return (
    <Login
      initialNick={login.nick}
      error={login.error}
      connecting={store ? (state?.conn ?? null) : null}
      onSubmit={join}
      onCancel={signOut}
    />
  );
}

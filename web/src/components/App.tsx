import { useCallback, useEffect, useState } from 'preact/hooks';
import { createClient, indexedDbOutbox } from '../../../src/client/index.ts';
import * as authApi from '../auth-api.ts';
import { ChatStore } from '../chat-store.ts';
import { FilesContext } from '../files-context.ts';
import { PresenceContext } from '../presence-context.ts';
import { guardSession } from '../tab-guard.ts';
import {
  OUTBOX_DB,
  lastNick,
  newOutboxScope,
  rememberNick,
  saveAuth,
  saveRoom,
  saveSession,
  savedAuth,
  savedRoom,
  savedSession,
  type SavedSession,
} from '../storage.ts';
import { t } from '../i18n/index.ts';
import { useLocale } from '../use-locale.ts';
import { useChatState } from '../use-store.ts';
import { ChatScreen } from './ChatScreen.tsx';
import { Login } from './Login.tsx';

/** Same origin as the page: the server serves the app at / and the WebSocket at /ws. */
function socketUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

/**
 * `resume`: what a reload of this tab saved; just `scope` to keep the unsent messages of a lost session.
 * `account`: connect with the signed-in account's token instead of as a guest.
 */
function makeStore(nick: string, resume: Partial<SavedSession> = {}, account = false): ChatStore {
  let guarded: string | undefined;
  let stopGuard: (() => void) | undefined;
  const { session, user } = resume;
  const scope = resume.scope ?? newOutboxScope();
  // Kept with the session so a reload replays the user events (other tabs' reads…) it missed.
  let userSeq = session ? resume.userSeq : undefined;
  const store: ChatStore = new ChatStore({
    url: socketUrl(),
    nick,
    ...(session ? { session } : {}),
    ...(session && user ? { user: { id: user, nick } } : {}),
    outbox: indexedDbOutbox(OUTBOX_DB, scope),
    ...(savedRoom() ? { room: savedRoom() } : {}),
    ...(userSeq !== undefined ? { userSeq } : {}),
    onUserSeq: (seq) => {
      userSeq = seq;
      const saved = savedSession();
      if (saved) saveSession({ ...saved, userSeq: seq });
    },
    createClient,
    ...(account ? authApi.signedInTokens() : {}),
    onWelcome: (user, token) => {
      saveSession({
        nick: user.nick,
        session: token,
        user: user.id,
        scope,
        ...(userSeq !== undefined ? { userSeq } : {}),
      });
      rememberNick(user.nick);
      if (token === guarded) return;
      stopGuard?.();
      guarded = token;
      stopGuard = guardSession(token, () => store.refuse('session_in_use', t('login.inUse', { nick: user.nick })));
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
    const auth = savedAuth();
    if (auth) return makeStore(auth.user.nick, saved?.user === auth.user.id ? saved : {}, true);
    return saved ? makeStore(saved.nick, saved) : null;
  });
  const [guests, setGuests] = useState(true);
  const [authPending, setAuthPending] = useState(false);
  useEffect(() => {
    void authApi.guestsAllowed().then(setGuests);
  }, []);
  // `retryAt`: a throttled sign-in may be tried again then; `mode`: the form to show first.
  const [login, setLogin] = useState<{ nick: string; error?: string; retryAt?: number; mode?: 'signin' }>(() => ({
    nick: lastNick(),
  }));
  const state = useChatState(store);
  // A new language re-renders every screen (keyed by it) without touching the connection.
  const lang = useLocale();

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
      saveAuth(null);
      setLogin({
        nick: state.nick,
        error: state.conn.reason ? t('login.noConnectWhy', { reason: state.conn.reason }) : t('login.noConnect'),
      });
      setStore(null);
      return;
    }
    if (!loginError) return;
    store.dispose();
    const scope = savedSession()?.scope;
    saveSession(null);
    if (loginError.code === 'session_unknown') {
      // The saved session expired: try again as a new user with the same nickname. Same outbox
      // scope, so the SDK surfaces the old user's unsent messages as failed instead of losing them.
      setStore(makeStore(state.nick, scope ? { scope } : {}, savedAuth() !== undefined));
      return;
    }
    saveAuth(null);
    // Signed out elsewhere (4411 session_revoked): back to the sign-in form, saying why.
    setLogin({
      nick: state.nick,
      error: loginError.message,
      ...(loginError.code === 'session_revoked' ? { mode: 'signin' as const } : {}),
    });
    setStore(null);
  }, [store, loginError, closedBeforeWelcome, state]);

  const join = useCallback((nick: string) => {
    setLogin({ nick });
    setStore(makeStore(nick));
  }, []);

  const account = useCallback(async (mode: 'signin' | 'register', username: string, password: string) => {
    setAuthPending(true);
    try {
      const auth =
        mode === 'register' ? await authApi.register(username, password) : await authApi.login(username, password);
      saveAuth(auth);
      saveSession(null);
      setLogin({ nick: auth.user.nick });
      setStore(makeStore(auth.user.nick, {}, true));
    } catch (err) {
      setLogin({
        nick: username,
        error: err instanceof Error ? err.message : String(err),
        ...(err instanceof authApi.AuthApiError && err.retryAfterMs !== undefined
          ? { retryAt: Date.now() + err.retryAfterMs }
          : {}),
      });
    } finally {
      setAuthPending(false);
    }
  }, []);

  const signOut = useCallback(() => {
    // A new login gets a new outbox scope: nothing could send these any more.
    store?.discardUnsent();
    saveSession(null);
    const auth = savedAuth();
    saveAuth(null);
    // Ends this login session on the server: its refresh and access tokens stop working.
    if (auth) void authApi.logout(auth.refreshToken);
    setLogin({ nick: store?.getState().nick ?? lastNick() });
    setStore(null);
  }, [store]);

  // A reload knows its user already: straight to the chat, showing unsent messages, even offline.
  if (store && state && (state.welcomed || state.user)) {
    return (
      <FilesContext.Provider value={store.files}>
        <PresenceContext.Provider value={store.presence}>
          <ChatScreen key={lang} store={store} state={state} onSignOut={signOut} />
        </PresenceContext.Provider>
      </FilesContext.Provider>
    );
  }
  return (
    <Login
      key={lang}
      initialNick={login.nick}
      guests={guests}
      authPending={authPending}
      onAccount={(mode, username, password) => void account(mode, username, password)}
      error={login.error}
      retryAt={login.retryAt}
      initialMode={login.mode}
      connecting={store ? (state?.conn ?? null) : null}
      onSubmit={join}
      onCancel={signOut}
    />
  );
}

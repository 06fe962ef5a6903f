import { useCallback, useEffect, useState } from 'preact/hooks';
import * as authApi from '../auth-api.ts';
import { FilesContext } from '../files-context.ts';
import { t } from '../i18n/index.ts';
import { openStore, restoreSession, type TabSession } from '../open-store.ts';
import { PresenceContext } from '../presence-context.ts';
import { BlocksContext } from '../use-blocks.ts';
import { PeopleContext } from '../use-people-book.ts';
import { lastNick, saveSession, savedSession } from '../storage.ts';
import { onTabs, tellTabs } from '../tab-guard.ts';
import { useLocale } from '../use-locale.ts';
import { useChatState } from '../use-store.ts';
import { ChatScreen } from './ChatScreen.tsx';
import { GuestNotice } from './GuestNotice.tsx';
import { Login, type LoginMode } from './Login.tsx';

interface LoginCard {
  /** The guest form's nickname. */
  readonly nick: string;
  /** The account forms' username. */
  readonly username?: string;
  readonly error?: string;
  /** A throttled sign-in may be tried again then. */
  readonly retryAt?: number;
  /** The form to show first. */
  readonly mode?: LoginMode;
}

/** Tabs (stores) the app has left for the sign-in card. */
const left = new WeakSet<object>();

export function App() {
  // Who this tab is is found out at load (restoreSession): until then, an empty card.
  const [booting, setBooting] = useState(true);
  const [tab, setTab] = useState<TabSession | null>(null);
  const store = tab?.store ?? null;
  const [guests, setGuests] = useState(true);
  const [authPending, setAuthPending] = useState(false);
  const [login, setLogin] = useState<LoginCard>(() => ({ nick: lastNick() }));
  const state = useChatState(store);
  // A new language re-renders every screen (keyed by it) without touching the connection.
  const lang = useLocale();

  useEffect(() => {
    void authApi.guestsAllowed().then(setGuests);
    let live = true;
    void restoreSession().then((found) => {
      if (!live) return found?.store.dispose();
      setTab(found);
      setBooting(false);
    });
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    if (!store) return;
    store.start();
    return () => store.dispose();
  }, [store]);

  /** Leaves the chat for the sign-in card: an account's card opens on "Sign in" with its name. */
  const leave = useCallback(
    (card: { error?: string } = {}, how: 'sign-out' | 'forget' | 'keep' = 'forget') => {
      // Once per tab: a second way of hearing the same end (4411 and then the sign-out it starts)
      // may arrive through a listener still holding this tab, and must not wipe the first's message.
      if (!tab || left.has(tab)) return;
      left.add(tab);
      // Signing out: a new login gets a new outbox scope, so nothing could send these any more.
      if (how === 'sign-out') tab.store.discardUnsent();
      // `keep`: the connection failed, the identity did not; a reload tries it again.
      if (how !== 'keep') saveSession(null);
      const nick = tab.store.getState().nick;
      setLogin(
        tab.account
          ? { nick: lastNick(), username: tab.account.nick, mode: 'signin', ...card }
          : { nick, mode: 'guest', ...card },
      );
      setTab(null);
    },
    [tab],
  );

  // Every tab of this browser follows a sign-in, a guest's upgrade and a sign-out in another.
  useEffect(() => {
    const offEnd = authApi.onSessionEnd((user, why) => {
      if (tab?.account?.id === user) leave(why === 'ended' ? { error: t('login.sessionEnded') } : {});
    });
    const offTabs = onTabs((msg) => {
      const me = tab?.store.getState().user?.id;
      if (msg.type === 'signed-out' && !tab?.account && me === msg.user) leave();
      // Signed in elsewhere: a tab on the sign-in card, or this guest become an account, follows.
      if (msg.type === 'access' && !tab?.account && (!tab || me === msg.grant.user.id) && !authPending) {
        const scope = savedSession()?.scope;
        tab?.store.dispose();
        void openStore(msg.grant.user.nick, scope ? { scope } : {}, msg.grant.user).then(setTab);
      }
    });
    return () => {
      offEnd();
      offTabs();
    };
  }, [tab, leave, authPending]);

  // The server refused the nickname or session: back to the nickname screen.
  const loginError = state?.loginError;
  const closedBeforeWelcome = state !== null && !state.welcomed && state.conn.state === 'closed';
  useEffect(() => {
    if (!tab || !state) return;
    if (!loginError && closedBeforeWelcome) {
      // The server ended the connection for good before letting us in.
      const reason = state.conn.reason;
      return leave({ error: reason ? t('login.noConnectWhy', { reason }) : t('login.noConnect') }, 'keep');
    }
    if (!loginError) return;
    if (loginError.code === 'session_unknown' && !tab.account) {
      // The saved session expired: try again as a new user with the same nickname. Same outbox
      // scope, so the SDK surfaces the old user's unsent messages as failed instead of losing them.
      const scope = savedSession()?.scope;
      saveSession(null);
      tab.store.dispose();
      void openStore(state.nick, scope ? { scope } : {}).then(setTab);
      return;
    }
    // Signed out elsewhere (4411 session_revoked): the whole browser's session is over.
    if (loginError.code === 'session_revoked' && tab.account) void authApi.signOut();
    leave({ error: loginError.message });
  }, [tab, loginError, closedBeforeWelcome, state, leave]);

  const join = useCallback((nick: string) => {
    setLogin({ nick });
    void openStore(nick).then(setTab);
  }, []);

  /** Signs in, creates an account, or (with `guestSession`) turns this guest into an account. */
  const account = useCallback(
    async (mode: 'signin' | 'register', username: string, password: string, guestSession?: string) => {
      setAuthPending(true);
      try {
        const user = await authApi.signIn(mode, username, password, guestSession);
        // An upgraded guest keeps its unsent messages: same user, same outbox.
        const scope = guestSession ? savedSession()?.scope : undefined;
        saveSession(null);
        tab?.store.dispose();
        setLogin({ nick: lastNick(), username: user.nick });
        setTab(await openStore(user.nick, scope ? { scope } : {}, user));
      } catch (err) {
        if (guestSession) throw err;
        setLogin({
          nick: lastNick(),
          username,
          error: err instanceof Error ? err.message : String(err),
          ...(err instanceof authApi.AuthApiError && err.retryAfterMs !== undefined
            ? { retryAt: Date.now() + err.retryAfterMs }
            : {}),
        });
      } finally {
        setAuthPending(false);
      }
    },
    [tab],
  );

  const signOut = useCallback(() => {
    if (tab?.account) void authApi.signOut();
    else {
      // A guest that leaves is gone: its other tabs leave too.
      const me = tab?.store.getState().user?.id;
      if (me) tellTabs({ type: 'signed-out', user: me });
    }
    leave({}, 'sign-out');
  }, [tab, leave]);

  // A reload knows its user already: straight to the chat, showing unsent messages, even offline.
  if (store && state && (state.welcomed || state.user)) {
    const guestSession = !tab?.account && state.welcomed ? savedSession()?.session : undefined;
    return (
      <FilesContext.Provider value={store.files}>
        <PresenceContext.Provider value={store.presence}>
          <BlocksContext.Provider value={store.blocks}>
            <PeopleContext.Provider value={store.people}>
              {guestSession ? (
                <div class="with-notice">
                  <GuestNotice
                    key={`notice-${lang}`}
                    nick={state.nick}
                    onUpgrade={(username, password) => account('register', username, password, guestSession)}
                  />
                  <ChatScreen key={lang} store={store} state={state} onSignOut={signOut} />
                </div>
              ) : (
                <ChatScreen key={lang} store={store} state={state} onSignOut={signOut} />
              )}
            </PeopleContext.Provider>
          </BlocksContext.Provider>
        </PresenceContext.Provider>
      </FilesContext.Provider>
    );
  }
  if (booting) return <main class="login" aria-busy="true" />;
  return (
    <Login
      key={lang}
      initialNick={login.nick}
      initialUsername={login.username ?? ''}
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

/**
 * Opening this tab's ChatStore for a guest or for the browser's account, and finding out at load
 * who this tab is: the account the browser is signed in as, this tab's guest (a reload), or the
 * guest another open tab uses.
 */
import { createClient, indexedDbOutbox, type UserRef } from '../../src/client/index.ts';
import * as authApi from './auth-api.ts';
import { ChatStore } from './chat-store.ts';
import {
  OUTBOX_DB,
  accountHint,
  newOutboxScope,
  rememberNick,
  saveAccountHint,
  saveRoom,
  saveSession,
  savedRoom,
  savedSession,
  type AccountHint,
  type SavedSession,
} from './storage.ts';
import { askGuest, claimOutbox, onTabs, tellTabs } from './tab-guard.ts';

/** A tab's store and who it is for: `account` set for the browser's account, else a guest. */
export interface TabSession {
  readonly store: ChatStore;
  readonly account?: AccountHint;
}

/** Same origin as the page: the server serves the app at / and the WebSocket at /ws. */
function socketUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

/**
 * `resume`: what this tab saved (a reload), or a guest identity from another tab; just `scope` to
 * keep unsent messages. `account`: connect as the browser's account (its user shows at once).
 */
export async function openStore(
  nick: string,
  resume: Partial<SavedSession> = {},
  account?: AccountHint,
): Promise<TabSession> {
  const scope = await claimOutbox(resume.scope ?? newOutboxScope(), newOutboxScope);
  const { session } = resume;
  const known: UserRef | undefined = account ?? (session && resume.user ? { id: resume.user, nick } : undefined);
  // Kept with the session so a reload replays the user events (other tabs' reads…) it missed.
  let userSeq = known && resume.user === known.id ? resume.userSeq : undefined;
  let stopAnswering: (() => void) | undefined;
  const store: ChatStore = new ChatStore({
    url: socketUrl(),
    nick,
    ...(session ? { session } : {}),
    ...(known ? { user: known } : {}),
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
        ...(account ? { account: true } : {}),
      });
      if (account) {
        if (accountHint()?.nick !== user.nick) saveAccountHint(user);
        return;
      }
      rememberNick(user.nick);
      // A new tab of this browser asks which guest it is: this one answers.
      stopAnswering?.();
      stopAnswering = onTabs((msg) => {
        if (msg.type === 'who') tellTabs({ type: 'guest', nick: user.nick, session: token, user: user.id });
      });
    },
    onRoom: saveRoom,
    onDispose: () => stopAnswering?.(),
  });
  return account ? { store, account } : { store };
}

/** Who this tab is at load; null: nobody yet (the sign-in card). */
export async function restoreSession(): Promise<TabSession | null> {
  const hint = accountHint();
  const saved = savedSession();
  if (hint) return openStore(hint.nick, saved?.user === hint.id ? saved : {}, hint);
  if (saved && !saved.account) return openStore(saved.nick, saved);
  const guest = await askGuest();
  return guest ? openStore(guest.nick, { session: guest.session, user: guest.user }) : null;
}

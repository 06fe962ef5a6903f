/**
 * What the tabs of this browser tell each other (BroadcastChannel): the newest access token, that
 * a user signed out (every tab of that user goes to the sign-in card at once), and the guest
 * identity in use, for a new tab that asks. Several tabs of one user are several connections of
 * that user; only the outbox is per tab (claimOutbox), so a duplicated tab never sends another
 * tab's unsent messages.
 */
import type { AccessGrant } from '../../src/client/index.ts';

export type TabMessage =
  /** A tab signed in or refreshed: the newest access token, for every tab of the account. */
  | { readonly type: 'access'; readonly grant: AccessGrant }
  /** `user` signed out (or the session ended): its tabs leave the chat. */
  | { readonly type: 'signed-out'; readonly user: string }
  /** A new tab asks which guest this browser is. */
  | { readonly type: 'who' }
  /** The answer: the guest identity a tab uses (its session token resumes the same user). */
  | { readonly type: 'guest'; readonly nick: string; readonly session: string; readonly user: string };

const NAME = 'parley.tabs';
type Listener = (msg: TabMessage) => void;
const listeners = new Set<Listener>();
let channel: BroadcastChannel | undefined;

function open(): BroadcastChannel | undefined {
  if (channel || typeof BroadcastChannel === 'undefined') return channel;
  channel = new BroadcastChannel(NAME);
  channel.onmessage = (e: MessageEvent<TabMessage | undefined>) => {
    const msg = e.data;
    if (msg && typeof msg === 'object' && typeof msg.type === 'string') for (const fn of [...listeners]) fn(msg);
  };
  return channel;
}

/** Tells the other tabs (not this one). */
export function tellTabs(msg: TabMessage): void {
  open()?.postMessage(msg);
}

/** Listens to the other tabs; returns the function that stops. */
export function onTabs(fn: Listener): () => void {
  open();
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** How long a new tab waits for another tab to say which guest this browser is. */
const ASK_MS = 300;

/** The guest identity another open tab uses, if one answers in time. */
export function askGuest(): Promise<{ nick: string; session: string; user: string } | undefined> {
  if (!open()) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      off();
      resolve(undefined);
    }, ASK_MS);
    const off = onTabs((msg) => {
      if (msg.type !== 'guest') return;
      clearTimeout(timer);
      off();
      resolve({ nick: msg.nick, session: msg.session, user: msg.user });
    });
    tellTabs({ type: 'who' });
  });
}

/**
 * This tab's outbox scope: `scope` when no other tab holds it (a Web Lock held for the page's
 * life), else `fresh()` — a duplicated tab copies sessionStorage, scope included.
 */
export async function claimOutbox(scope: string, fresh: () => string): Promise<string> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (!locks) return scope;
  // The same scope twice (a reload's old page may still be going away), then fresh ones.
  for (let candidate = scope, tries = 0; tries < 4; candidate = tries < 1 ? scope : fresh(), tries++) {
    if (tries === 1) await new Promise((resolve) => setTimeout(resolve, 200));
    const held = await new Promise<boolean>((resolve) => {
      void locks.request(`parley.outbox.${candidate}`, { ifAvailable: true }, (lock) => {
        resolve(lock !== null);
        // Held until the page goes away.
        return lock ? new Promise<void>(() => {}) : undefined;
      });
    });
    if (held) return candidate;
  }
  return fresh();
}

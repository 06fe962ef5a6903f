/**
 * A duplicated browser tab copies sessionStorage, session token included. Two tabs on one
 * session would keep replacing each other's connection, so each tab announces the session it
 * uses, and a tab that is told "that one is mine" by an older tab steps back.
 */
const CHANNEL = 'parley.sessions';

interface GuardMessage {
  readonly type: 'hello' | 'mine';
  readonly session: string;
}

/** Starts guarding `session`; `onDuplicate` runs when another tab already uses it. Returns stop. */
export function guardSession(session: string, onDuplicate: () => void): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => {};
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (e: MessageEvent<GuardMessage | undefined>) => {
    const msg = e.data;
    if (!msg || msg.session !== session) return;
    if (msg.type === 'hello') channel.postMessage({ type: 'mine', session } satisfies GuardMessage);
    else if (msg.type === 'mine') onDuplicate();
  };
  channel.postMessage({ type: 'hello', session } satisfies GuardMessage);
  return () => channel.close();
}

import { useContext, useEffect, useReducer } from 'preact/hooks';
import type { UserStatus } from '../../src/client/index.ts';
import { PresenceContext } from './presence-context.ts';

/** A user's presence (online / away / offline with lastSeen); undefined until known. Re-renders on change. */
export function usePresence(userId: string): UserStatus | undefined {
  const book = useContext(PresenceContext);
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => book?.subscribe(userId, () => bump(undefined)), [book, userId]);
  return book?.get(userId);
}

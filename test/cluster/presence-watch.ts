/**
 * Watching a user leave a room's presence across the cluster: as Redis has it (a RedisPresence
 * reader) and as every member of the room is told (their SDK `presence` events).
 */
import { waitUntil } from '../support/wait.ts';
import type { ClusterMember, PresenceReader } from './harness.ts';

export interface GoneAfter {
  /** Milliseconds from `since` until Redis no longer listed the user in the room. */
  readonly store: number;
  /** Milliseconds from `since` until every member had been told the room without the user. */
  readonly told: number;
}

/**
 * Starts listening now; resolves once `nick` is gone from `room` both in Redis and for every
 * member in the room (each must get a `presence` frame without it), or rejects after `timeoutMs`.
 */
export function watchLeave(
  reader: PresenceReader,
  members: readonly ClusterMember[],
  room: string,
  nick: string,
  timeoutMs: number,
): { since(t: number): Promise<GoneAfter> } {
  const inRoom = members.filter((m) => m.rooms.includes(room));
  // What each member of the room was last told of who is online there, from now on.
  const told = new Map<string, string[]>();
  for (const m of inRoom) {
    m.client.on('presence', (p) => {
      if (p.room === room)
        told.set(
          m.nick,
          p.online.map((u) => u.nick),
        );
    });
  }
  return {
    async since(t) {
      const storeGone = waitUntil(async () => !(await reader.online(room)).some((u) => u.nick === nick), {
        timeoutMs,
        intervalMs: 100,
        what: `Redis presence to drop ${nick} from ${room}`,
      }).then(() => performance.now() - t);
      const everyoneTold = waitUntil(() => inRoom.every((m) => told.get(m.nick)?.includes(nick) === false), {
        timeoutMs,
        intervalMs: 50,
        what: `every member of ${room} to be told ${nick} left`,
      }).then(() => performance.now() - t);
      const [store, toldMs] = await Promise.all([storeGone, everyoneTold]);
      return { store, told: toldMs };
    },
  };
}

/** What the server stored for a room, read by a fresh client through history. */
import type { RoomEvent } from '../../src/protocol/index.ts';
import { makeClient } from './helpers.ts';

let readers = 0;

export async function storedLog(wsUrl: string, room: string): Promise<RoomEvent[]> {
  const reader = makeClient(wsUrl, `reader${process.pid}x${++readers}`);
  try {
    await reader.join(room);
    const out: RoomEvent[] = [];
    for (let after = 0; ;) {
      const page = await reader.history(room, { after, limit: 200 });
      out.push(...page.events);
      if (!page.more || page.events.length === 0) return out;
      after = page.events.at(-1)?.seq ?? after;
    }
  } finally {
    reader.close();
  }
}

/** Events some client sent (not membership), in log order. */
export function written(events: readonly RoomEvent[]): RoomEvent[] {
  return events.filter((e) => e.cid !== undefined);
}

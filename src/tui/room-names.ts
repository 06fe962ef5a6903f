/**
 * How the terminal names a room: `#name`, or a direct message by its other people (`@ann, bob`),
 * never its `dm-…` id, as the web app does. Learns each DM's people from the RoomInfo the
 * server sends (join, dm, rooms).
 */
import { dmPeers, isDmName, type RoomInfo } from '../client/index.ts';
import { oneLine } from './sanitize.ts';

export class RoomNames {
  readonly #dms = new Map<string, RoomInfo>();

  constructor(private readonly me: () => string | undefined) {}

  learn(info: RoomInfo): void {
    if (info.dm !== undefined) this.#dms.set(info.name, info);
  }

  /** `#general`, `@ann` (a DM with ann), or `@direct message` for a DM not seen yet. */
  label(room: string): string {
    const info = this.#dms.get(room);
    if (info)
      return `@${dmPeers(info, this.me())
        .map((u) => oneLine(u.nick))
        .join(', ')}`;
    return isDmName(room) ? '@direct message' : `#${oneLine(room)}`;
  }
}

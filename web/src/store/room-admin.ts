/**
 * Moderation and room settings: title and topic, the member list, leaving, and invite, kick or
 * ban. Each rejects with the server's error for the form that asked.
 */
import type { MemberList } from '../../../src/client/index.ts';
import type { RoomList } from './room-list.ts';
import type { StoreState } from './state.ts';

export class RoomAdmin {
  constructor(
    private readonly s: StoreState,
    private readonly list: RoomList,
  ) {}

  /** Owner or moderator (any member of a DM); rejects with the server's error for the form. */
  async setRoomMeta(room: string, title: string | undefined, topic: string | undefined): Promise<void> {
    if (title !== undefined) await this.s.client.rename(room, title);
    if (topic !== undefined) await this.s.client.setTopic(room, topic);
  }

  members(room: string): Promise<MemberList> {
    return this.s.client.members(room);
  }

  /** Leave `room` and show general; rejects with the server's error. Other tabs follow by the user log. */
  async leave(room: string): Promise<void> {
    await this.s.client.leave(room);
    if (this.s.disposed) return;
    this.list.forgetRoom(room);
  }

  /** Owner or moderator: add, remove or ban `user` (an id); rejects with the server's error. */
  async moderate(kind: 'invite' | 'kick' | 'ban', room: string, user: string): Promise<void> {
    await this.s.client[kind](room, user);
  }
}

/** What an interactive chat knows: the rooms joined, the current one, who is online; and how it shows them. */
import type { ParleyClient, RoomEvent, UserRef } from '../client/index.ts';
import type { EventRenderer } from './render.ts';
import { renderOnline } from './render.ts';
import { RoomNames } from './room-names.ts';
import { oneLine } from './sanitize.ts';

/** Events shown for context when a room is joined. */
const JOIN_CONTEXT = 10;

export interface Output {
  print(text: string): void;
  /** The room typed lines go to changed (undefined: none). */
  roomChanged(room: string | undefined): void;
}

export class ChatSession {
  readonly client: ParleyClient;
  readonly #renderer: EventRenderer;
  readonly #out: Output;
  /** Names rooms for people: a DM by its other people (room-names.ts). */
  readonly names: RoomNames;
  #current: string | undefined;
  readonly #joined = new Set<string>();
  readonly #online = new Map<string, UserRef[]>();
  /** Live events held back while a room's recent history is printed, so lines stay in seq order. */
  readonly #held = new Map<string, RoomEvent[]>();

  constructor(client: ParleyClient, renderer: EventRenderer, out: Output, names?: RoomNames) {
    this.client = client;
    this.names = names ?? new RoomNames(() => client.user?.id);
    this.#renderer = renderer;
    this.#out = out;
  }

  get current(): string | undefined {
    return this.#current;
  }

  get joined(): ReadonlySet<string> {
    return this.#joined;
  }

  print(text: string): void {
    this.#out.print(text);
  }

  showEvent(e: RoomEvent): void {
    const held = this.#held.get(e.room);
    if (held) held.push(e);
    else this.print(this.#renderer.render(e, e.room !== this.#current));
  }

  setOnline(room: string, online: UserRef[]): void {
    this.#online.set(room, online);
  }

  /** Join (or switch to, when already joined) a room and make it current. */
  async join(room: string): Promise<void> {
    if (this.#joined.has(room)) {
      this.#setCurrent(room);
      this.print(`now in ${this.names.label(room)}`);
      return;
    }
    this.#held.set(room, []);
    try {
      const info = await this.client.join(room);
      this.names.learn(info);
      this.#joined.add(room);
      this.#setCurrent(room);
      const title = info.title && info.title !== info.name && !info.dm ? ` — ${oneLine(info.title)}` : '';
      this.print(`joined ${this.names.label(room)}${title}`);
      // Events up to the head at join time; later ones arrive live (and are held meanwhile).
      const page = await this.client.history(room, { before: info.head + 1, limit: JOIN_CONTEXT });
      for (const e of page.events) this.print(this.#renderer.render(e, false));
    } finally {
      const held = this.#held.get(room) ?? [];
      this.#held.delete(room);
      for (const e of held) this.showEvent(e);
    }
  }

  /**
   * Follow a room without making it current (a DM someone wrote to you in): `joined` runs once
   * it is joined, then its events after seq `after` print, then live ones.
   */
  async follow(room: string, after: number, joined: () => void): Promise<void> {
    if (this.#joined.has(room)) return;
    this.#held.set(room, []);
    try {
      const info = await this.client.join(room);
      this.names.learn(info);
      this.#joined.add(room);
      joined();
      const page = await this.client.history(room, { after, before: info.head + 1, limit: JOIN_CONTEXT });
      for (const e of page.events) this.print(this.#renderer.render(e, e.room !== this.#current));
    } finally {
      const held = this.#held.get(room) ?? [];
      this.#held.delete(room);
      for (const e of held) this.showEvent(e);
    }
  }

  async leave(): Promise<void> {
    const room = this.#current;
    if (room === undefined) return this.print('you are in no room');
    await this.client.leave(room);
    this.forget(room);
    this.print(`left ${this.names.label(room)}`);
  }

  /** The room is gone for us (left, kicked, banned): move to another joined room, if any. */
  forget(room: string): void {
    this.#joined.delete(room);
    this.#online.delete(room);
    if (this.#current === room) this.#setCurrent(this.#joined.values().next().value);
  }

  /** The newest `limit` events of the current room. */
  async history(limit: number): Promise<void> {
    const room = this.#current;
    if (room === undefined) return this.print('join a room first: /join name');
    const page = await this.client.history(room, { limit });
    const more = page.more ? '; earlier events exist' : '';
    this.print(`-- last ${page.events.length} events of ${this.names.label(room)}${more} --`);
    for (const e of page.events) this.print(this.#renderer.render(e, false));
  }

  async who(): Promise<void> {
    const room = this.#current;
    if (room === undefined) return this.print('join a room first: /join name');
    const online = this.#online.get(room);
    // Away (idle everywhere) is per user: ask, but a failed ask still prints the list.
    const ids = online?.map((u) => u.id) ?? [];
    const away = new Set<string>();
    if (ids.length > 0) {
      const statuses = await this.client.who(ids).catch(() => []);
      for (const s of statuses) if (s.state === 'away') away.add(s.user.id);
    }
    this.print(renderOnline(room, online, away));
  }

  #setCurrent(room: string | undefined): void {
    this.#current = room;
    this.#out.roomChanged(room);
  }
}

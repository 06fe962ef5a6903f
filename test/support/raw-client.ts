/** A raw `ws` client that speaks frames by hand, for tests that must control every byte. */
import WebSocket from 'ws';
import type { ServerFrame, ServerFrameOf, ServerFrameType, WelcomeFrame } from '../../src/protocol/index.ts';
import { waitUntil, withDeadline } from './wait.ts';

export class RawClient {
  readonly ws: WebSocket;
  /** Every frame received, in order. */
  readonly frames: ServerFrame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: { match: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }[] = [];
  #seen = 0;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as ServerFrame;
      this.frames.push(frame);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.match(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
  }

  /** `options`: ws's client options (e.g. `perMessageDeflate: false`; ws offers it by default). */
  static async open(url: string, options?: WebSocket.ClientOptions): Promise<RawClient> {
    const ws = new WebSocket(url, options);
    const client = new RawClient(ws);
    await withDeadline(
      new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      }),
      5_000,
      'socket open',
    );
    return client;
  }

  /** Opens a socket and completes hello. */
  static async connect(
    url: string,
    nick: string,
    session?: string,
    options?: WebSocket.ClientOptions,
  ): Promise<RawClient & { welcome: WelcomeFrame }> {
    const client = await RawClient.open(url, options);
    client.sendJson(session === undefined ? { type: 'hello', v: 1, nick } : { type: 'hello', v: 1, nick, session });
    const welcome = await client.next('welcome');
    return Object.assign(client, { welcome });
  }

  sendJson(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  /** The first frame not yet consumed by next() that has this type (and matches), waiting if needed. */
  next<T extends ServerFrameType>(
    type: T,
    match: (f: ServerFrameOf<T>) => boolean = () => true,
    timeoutMs = 5_000,
  ): Promise<ServerFrameOf<T>> {
    const ok = (f: ServerFrame): f is ServerFrameOf<T> => f.type === type && match(f as ServerFrameOf<T>);
    for (let i = this.#seen; i < this.frames.length; i++) {
      const f = this.frames[i] as ServerFrame;
      if (ok(f)) {
        this.#seen = i + 1;
        return Promise.resolve(f);
      }
    }
    const found = new Promise<ServerFrameOf<T>>((resolve) => {
      this.#waiters.push({
        match: ok,
        resolve: (f) => {
          this.#seen = this.frames.length;
          resolve(f as ServerFrameOf<T>);
        },
      });
    });
    return withDeadline(found, timeoutMs, `a ${type} frame`);
  }

  /** Sends a request and waits for the reply carrying the same id (or an error for it). */
  async request<T extends ServerFrameType>(
    type: T,
    frame: { id: string } & Record<string, unknown>,
  ): Promise<ServerFrameOf<T>> {
    const start = this.frames.length;
    this.sendJson(frame);
    const reply = await withDeadline(
      new Promise<ServerFrame>((resolve) => {
        const match = (f: ServerFrame): boolean =>
          'id' in f && f.id === frame.id && (f.type === type || f.type === 'error');
        const prior = this.frames.slice(start).find(match);
        if (prior) resolve(prior);
        else this.#waiters.push({ match, resolve });
      }),
      5_000,
      `reply to ${String(frame['type'])} ${frame.id}`,
    );
    if (reply.type === 'error') throw Object.assign(new Error(`${reply.code}: ${reply.message}`), { frame: reply });
    return reply as ServerFrameOf<T>;
  }

  /**
   * Who is online in the room as the presence frames so far tell (the last full view, then the
   * changes after it), by nickname, sorted; undefined before a full view.
   */
  online(room: string): string[] | undefined {
    let set: Map<string, string> | undefined;
    for (const f of this.frames) {
      if (f.type !== 'presence' || f.room !== room) continue;
      if (f.online) set = new Map(f.online.map((u) => [u.id, u.nick]));
      else if (set) {
        for (const u of f.left ?? []) set.delete(u.id);
        for (const u of f.joined ?? []) set.set(u.id, u.nick);
      }
    }
    return set && [...set.values()].sort();
  }

  /** Waits until the room's presence (online()) satisfies `match`; resolves with it. */
  onlineWhen(room: string, match: (nicks: string[]) => boolean, timeoutMs = 5_000): Promise<string[]> {
    return waitUntil(
      () => {
        const nicks = this.online(room);
        return nicks && match(nicks) ? nicks : undefined;
      },
      { timeoutMs, what: `presence of ${room}` },
    );
  }

  /** Seqs of every event received for the room, in arrival order. */
  events(room: string): number[] {
    return this.frames.flatMap((f) => (f.type === 'event' && f.room === room ? [f.seq] : []));
  }

  /** Seqs of the text messages received for the room (no membership or mutation events). */
  texts(room: string): number[] {
    return this.frames.flatMap((f) => (f.type === 'event' && f.room === room && f.kind === 'text' ? [f.seq] : []));
  }

  close(): void {
    this.ws.close();
  }
}

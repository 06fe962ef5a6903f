/**
 * A lightweight resuming client on a raw `ws` socket, for the bulk of a 1,000-client test.
 * It does what the protocol asks of a client and nothing more (no dedupe, no gap fill), so
 * what it records is exactly what the server sent: hello with its session, join with
 * `after` = the last seq it got and the room's epoch, and reconnect after the server's retry
 * hint or a seeded backoff. Any seq that is not lastSeq + 1 is recorded as an anomaly.
 */
import WebSocket from 'ws';
import type { RoomEvent, ServerFrame } from '../../src/protocol/index.ts';
import { eventKey } from './harness.ts';

const PRESENCE_PREFIX = Buffer.from('{"type":"presence"');

export class RawMember {
  readonly nick: string;
  readonly room: string;
  readonly #url: string;
  readonly #random: () => number;
  session: string | undefined;
  userId: string | undefined;
  epoch: string | undefined;
  lastSeq: number | undefined;
  /** `from` of the first join: the member must get exactly (from, head]. */
  from: number | undefined;
  /** eventKey of every event received, in order, over every connection. */
  readonly keys: string[] = [];
  readonly anomalies: string[] = [];
  /** Close codes of every connection that ended (or failed to open). */
  readonly closes: number[] = [];
  welcomes = 0;
  retryableErrors = 0;
  #ws: WebSocket | undefined;
  #attempt = 0;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #joinedOnce: (() => void) | undefined;
  #joinedOn: WebSocket | undefined;
  readonly joined: Promise<void>;
  /** Called when the first join completes (synchronously, as the frame arrives). */
  onFirstJoin: (() => void) | undefined;

  constructor(url: string, nick: string, room: string, random: () => number) {
    this.#url = url;
    this.nick = nick;
    this.room = room;
    this.#random = random;
    this.joined = new Promise((resolve) => (this.#joinedOnce = resolve));
  }

  get connected(): boolean {
    return this.#ws?.readyState === WebSocket.OPEN;
  }

  /** Joined on the current connection. */
  get joinedNow(): boolean {
    return this.connected && this.#joinedOn === this.#ws;
  }

  start(): void {
    const ws = new WebSocket(this.#url, { perMessageDeflate: false });
    this.#ws = ws;
    ws.on('open', () => {
      const hello = { type: 'hello', v: 1, nick: this.nick, ...(this.session ? { session: this.session } : {}) };
      ws.send(JSON.stringify(hello));
    });
    ws.on('message', (data: Buffer) => {
      // Presence lists of big rooms are large and not what this test checks: skip parsing them.
      if (data.subarray(0, PRESENCE_PREFIX.length).equals(PRESENCE_PREFIX)) return;
      this.#onFrame(ws, JSON.parse(data.toString('utf8')) as ServerFrame);
    });
    ws.on('error', () => undefined);
    ws.on('close', (code: number, reason: Buffer) => {
      this.closes.push(code);
      if (this.#ws !== ws || this.#stopped) return;
      this.#ws = undefined;
      this.#reconnectLater(String(reason));
    });
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#ws?.terminate();
    this.#ws = undefined;
  }

  #reconnectLater(reason: string): void {
    let delay: number | undefined;
    if (reason.startsWith('{')) {
      try {
        const hint = (JSON.parse(reason) as { retryMs?: unknown }).retryMs;
        if (typeof hint === 'number') delay = hint;
      } catch {
        // not a hint
      }
    }
    // Full-jitter backoff like the SDK's: 50 ms doubling up to 1 s.
    delay ??= this.#random() * Math.min(1_000, 50 * 2 ** this.#attempt++);
    this.#timer = setTimeout(() => {
      if (!this.#stopped) this.start();
    }, delay);
  }

  #onFrame(ws: WebSocket, frame: ServerFrame): void {
    switch (frame.type) {
      case 'welcome': {
        this.welcomes++;
        this.#attempt = 0;
        this.session = frame.session;
        this.userId = frame.user.id;
        const resume =
          this.lastSeq !== undefined && this.epoch !== undefined ? { after: this.lastSeq, epoch: this.epoch } : {};
        ws.send(JSON.stringify({ type: 'join', id: `j${this.welcomes}`, room: this.room, ...resume }));
        return;
      }
      case 'joined': {
        if (frame.reset) this.anomalies.push(`${this.nick}: join was reset (from ${frame.from})`);
        if (this.lastSeq !== undefined && frame.from !== this.lastSeq) {
          this.anomalies.push(`${this.nick}: resumed from ${frame.from}, asked after ${this.lastSeq}`);
        }
        this.epoch = frame.room.epoch;
        this.from ??= frame.from;
        this.lastSeq ??= frame.from;
        this.#joinedOn = ws;
        if (this.#joinedOnce) this.onFirstJoin?.();
        this.#joinedOnce?.();
        this.#joinedOnce = undefined;
        return;
      }
      case 'event': {
        if (frame.room !== this.room) return;
        if (frame.seq !== (this.lastSeq ?? 0) + 1) {
          this.anomalies.push(`${this.nick}: seq ${frame.seq} after ${this.lastSeq}`);
        }
        const { type: _type, ...event } = frame;
        this.keys.push(eventKey(event as RoomEvent));
        this.lastSeq = Math.max(this.lastSeq ?? 0, frame.seq);
        return;
      }
      case 'error':
        // `unavailable` (a frame that met the shutdown) is retried by the reconnect's join.
        if (frame.retryable) this.retryableErrors++;
        else this.anomalies.push(`${this.nick}: error ${frame.code} ${frame.message}`);
        return;
      default:
        return;
    }
  }
}

/**
 * One load-generator client speaking a server's wire protocol over raw `ws`, so the client side
 * costs the same for all three: Parley's JSON frames (docs/protocol.md), Socket.IO's engine.io v4
 * + socket.io v5 packets, and the plain server's JSON.
 * Every message body is `<sender>:<n>:<sent at, 0.1 ms>`; deliveries go to the Tracker.
 */
import WebSocket from 'ws';
import type { ServerKind } from './proc.ts';
import type { Tracker } from './tracker.ts';

/**
 * Deliveries are read by position, not JSON.parse: at the fan-out's top rates the load generator
 * is the limit, and a full parse of every frame was ~40 % of its time. Same for all three servers;
 * only the bench's own frames take this path (values without escapes), anything else is parsed.
 */
function str(s: string, key: string): string | undefined {
  const i = s.indexOf(key);
  if (i < 0) return undefined;
  const from = i + key.length;
  return s.slice(from, s.indexOf('"', from));
}

function int(s: string, key: string): number {
  let i = s.indexOf(key) + key.length;
  let n = 0;
  for (let c = s.charCodeAt(i); c >= 48 && c <= 57; c = s.charCodeAt(++i)) n = n * 10 + c - 48;
  return n;
}

/**
 * Whether the clients offer permessage-deflate (`BENCH_DEFLATE=on`, as browsers do). Off by
 * default: neither peer server compresses by default, so with it on only Parley's frames arrive
 * compressed and the generator alone pays to inflate them (async zlib, ≈ 30 % of its time in a
 * reconnect storm), which measures the generator rather than the servers.
 */
const OFFER_DEFLATE = process.env['BENCH_DEFLATE'] === 'on';

const EVENT = '{"type":"event",';
const ROOM = '"room":"';
const SEQ = '"seq":';
const KIND_TEXT = '"kind":"text"';
const BODY = '"body":"';
const SIO_MSG = '42["msg",';
const WS_MSG = '{"t":"msg",';

/** Parley's hello and joins in one go (see connectAndJoin); BENCH_PIPELINE=off: join after the welcome. */
const PIPELINE = process.env['BENCH_PIPELINE'] !== 'off';

interface RoomState {
  epoch: string;
  last: number;
}

export class Client {
  ws: WebSocket | null = null;
  session: string | undefined;
  /** Parley: per room, its epoch and the last seq seen (the resume point). */
  readonly rooms = new Map<string, RoomState>();
  /** Rooms joined, for the peers' rejoin. */
  readonly joined = new Set<string>();
  /** Set by the last Parley `joined`: whether the server said our copy was stale. */
  resets = 0;
  /** Called when the socket closes without close() (the reconnect storm). */
  onDrop: ((retryMs: number) => void) | null = null;
  private readonly waiting = new Map<string, () => void>();
  private opened: (() => void) | null = null;
  private sends = 0;
  private closing = false;
  /** The handshake of the current socket finished. */
  private up = false;

  constructor(
    readonly kind: ServerKind,
    readonly port: number,
    readonly idx: number,
    readonly tracker: Tracker,
  ) {}

  /**
   * Connect and join: Parley sends the joins right behind its hello, unanswered (the protocol
   * handles a connection's frames in order, so the joins run once the hello is done:
   * docs/protocol.md), unless BENCH_PIPELINE=off; the others join once connected.
   */
  async connectAndJoin(rooms: readonly string[]): Promise<void> {
    if (this.kind !== 'parley' || !PIPELINE) {
      await this.open();
      for (const room of rooms) await this.join(room);
      return;
    }
    let joins: Promise<void>[] = [];
    await this.open(() => (joins = rooms.map((room) => this.join(room))));
    await Promise.all(joins);
  }

  /**
   * Connect and finish the handshake: Parley's hello → welcome, engine.io open → socket.io connect.
   * `afterHello`: Parley only, called right after the hello is sent (frames to pipeline behind it).
   */
  open(afterHello?: () => void): Promise<void> {
    const path = { parley: '/ws', socketio: '/socket.io/?EIO=4&transport=websocket', ws: '/' }[this.kind];
    const ws = new WebSocket(`ws://127.0.0.1:${this.port}${path}`, { perMessageDeflate: OFFER_DEFLATE });
    this.ws = ws;
    this.closing = false;
    this.up = false;
    return new Promise<void>((resolve, reject) => {
      this.opened = resolve;
      ws.once('error', reject);
      ws.once('open', () => {
        if (this.kind === 'parley') {
          ws.send(JSON.stringify({ type: 'hello', v: 1, nick: `u${this.idx}`, session: this.session }));
          afterHello?.();
        } else if (this.kind === 'ws') this.ready();
      });
      ws.on('message', (data) => this.onMessage(String(data)));
      ws.once('close', (_code, reason) => {
        ws.off('error', reject);
        ws.on('error', () => {});
        if (this.closing || this.ws !== ws || !this.up) return;
        let retryMs = 0;
        try {
          retryMs = Number((JSON.parse(String(reason)) as { retryMs?: number }).retryMs ?? 0);
        } catch {
          // not Parley's going-away reason
        }
        this.onDrop?.(retryMs);
      });
    });
  }

  /** Join a room (Parley: resuming from the last seq seen when there is one); resolves on the answer. */
  join(room: string): Promise<void> {
    const done = new Promise<void>((resolve) => this.waiting.set(room, resolve));
    this.joined.add(room);
    const ws = this.ws;
    if (!ws) throw new Error('not open');
    if (this.kind === 'parley') {
      const r = this.rooms.get(room);
      const resume = r ? { after: r.last, epoch: r.epoch } : {};
      ws.send(JSON.stringify({ type: 'join', id: `j-${room}`, room, ...resume }));
    } else if (this.kind === 'socketio') ws.send(`42${JSON.stringify(['join', room])}`);
    else ws.send(JSON.stringify({ t: 'join', room }));
    return done;
  }

  send(room: string, n: number): void {
    const body = `${this.idx}:${n}:${Math.round(performance.now() * 10)}`;
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    if (this.kind === 'parley') {
      ws.send(JSON.stringify({ type: 'send', id: `s${this.sends++}`, room, kind: 'text', body }));
    } else if (this.kind === 'socketio') ws.send(`42${JSON.stringify(['send', room, body])}`);
    else ws.send(JSON.stringify({ t: 'send', room, body }));
  }

  close(): void {
    this.closing = true;
    this.ws?.terminate();
  }

  private ready(): void {
    this.up = true;
    const opened = this.opened;
    this.opened = null;
    opened?.();
  }

  private answered(room: string): void {
    const resolve = this.waiting.get(room);
    this.waiting.delete(room);
    resolve?.();
  }

  private onMessage(s: string): void {
    if (this.kind === 'parley') return this.onParley(s);
    if (this.kind === 'ws') {
      if (s.startsWith(WS_MSG)) return this.tracker.record(this.idx, str(s, BODY) ?? '');
      const f = JSON.parse(s) as { t: string; room: string; body?: string };
      if (f.t === 'msg') this.tracker.record(this.idx, f.body ?? '');
      else if (f.t === 'joined') this.answered(f.room);
      return;
    }
    // engine.io: 0 open, 2 ping, 4 message; socket.io inside: 0 connect, 2 event.
    if (s.startsWith(SIO_MSG)) {
      // 42["msg","<room>","<body>"]
      this.tracker.record(this.idx, s.slice(s.lastIndexOf(',"') + 2, -2));
    } else if (s.startsWith('42')) {
      const [name, room, body] = JSON.parse(s.slice(2)) as [string, string, string?];
      if (name === 'msg') this.tracker.record(this.idx, body ?? '');
      else if (name === 'joined') this.answered(room);
    } else if (s === '2') this.ws?.send('3');
    else if (s.startsWith('40')) this.ready();
    else if (s.startsWith('0')) this.ws?.send('40');
  }

  private onParley(s: string): void {
    if (s.startsWith(EVENT)) {
      const room = str(s, ROOM) ?? '';
      const seq = int(s, SEQ);
      const r = this.rooms.get(room);
      if (r) {
        if (seq <= r.last) {
          this.tracker.seqDups++;
          return;
        }
        if (seq > r.last + 1) this.tracker.seqGaps += seq - r.last - 1;
        r.last = seq;
      }
      if (s.includes(KIND_TEXT)) this.tracker.record(this.idx, str(s, BODY) ?? '');
      return;
    }
    const f = JSON.parse(s) as Record<string, unknown> & { type: string };
    if (f.type === 'joined') {
      const info = f['room'] as { name: string; epoch: string };
      this.rooms.set(info.name, { epoch: info.epoch, last: f['from'] as number });
      if (f['reset'] === true) this.resets++;
      this.answered(info.name);
    } else if (f.type === 'welcome') {
      this.session = f['session'] as string;
      this.ready();
    } else if (f.type === 'error') {
      this.tracker.errors.push(`${String(f['code'])}: ${String(f['message'])}`);
    }
  }
}

/**
 * A scripted stand-in for the Parley server, for the cases a real server never produces on
 * demand: gaps in the event stream, silence, missing answers, epoch resets.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientFrame, RoomEvent, RoomInfo, ServerFrame } from '../../src/protocol/index.ts';
import { waitUntil } from '../support/wait.ts';

export class FakeConnection {
  readonly ws: WebSocket;
  readonly received: ClientFrame[] = [];
  #read = 0;

  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => this.received.push(JSON.parse(String(data)) as ClientFrame));
  }

  send(frame: ServerFrame): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** The next received frame of this type not yet consumed. */
  async next<T extends ClientFrame['type']>(type: T): Promise<Extract<ClientFrame, { type: T }>> {
    const found = await waitUntil(
      () => {
        for (let i = this.#read; i < this.received.length; i++) {
          const f = this.received[i] as ClientFrame;
          if (f.type === type) {
            this.#read = i + 1;
            return f;
          }
        }
        return undefined;
      },
      { what: `a ${type} frame from the client`, timeoutMs: 5_000 },
    );
    return found as Extract<ClientFrame, { type: T }>;
  }

  /** Answer hello with a welcome. */
  async welcome(heartbeatMs = 25_000, session = 'sess-1'): Promise<void> {
    const hello = await this.next('hello');
    this.send({
      type: 'welcome',
      v: 1,
      session,
      user: { id: `u-${hello.nick}`, nick: hello.nick },
      heartbeatMs,
      limits: { maxBodyChars: 4000, maxFrameBytes: 65536, historyMaxLimit: 200 },
    });
  }
}

export class FakeServer {
  readonly wss: WebSocketServer;
  readonly connections: FakeConnection[] = [];

  private constructor(wss: WebSocketServer) {
    this.wss = wss;
    wss.on('connection', (ws) => this.connections.push(new FakeConnection(ws)));
  }

  static async start(): Promise<FakeServer> {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    return new FakeServer(wss);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}/ws`;
  }

  /** The n-th connection (0-based), waiting for it. */
  conn(n: number): Promise<FakeConnection> {
    return waitUntil(() => this.connections[n], { what: `connection #${n}`, timeoutMs: 5_000 });
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

export function roomInfo(name: string, head: number, epoch = 'ep1'): RoomInfo {
  return { name, title: name, epoch, head, createdAt: 1 };
}

export function roomEvent(room: string, seq: number, extra: Partial<RoomEvent> = {}): RoomEvent {
  return {
    room,
    seq,
    id: `${room}-${seq}`,
    sender: { id: 'u-x', nick: 'x' },
    kind: 'text',
    body: `b${seq}`,
    ts: seq,
    ...extra,
  };
}

/** Helpers for SDK tests: clients that clean up after themselves, and event waits with deadlines. */
import { afterEach } from 'vitest';
import WebSocket from 'ws';
import { createClient, type ClientEvents, type ClientOptions, type ParleyClient } from '../../src/client/index.ts';
import type { RoomEvent } from '../../src/protocol/index.ts';
import { waitUntil, withDeadline } from '../support/wait.ts';

export { waitUntil, withDeadline };

const open: ParleyClient[] = [];

afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

/** What a test client saw, in order. */
export interface Recorder {
  readonly events: RoomEvent[];
  readonly states: ClientEvents['state'][];
  readonly errors: ClientEvents['error'][];
  readonly resets: ClientEvents['reset'][];
  readonly welcomes: ClientEvents['welcome'][];
  /** Events of one room, in delivery order. */
  room(name: string): RoomEvent[];
}

export function record(client: ParleyClient): Recorder {
  const r: Recorder = {
    events: [],
    states: [],
    errors: [],
    resets: [],
    welcomes: [],
    room: (name) => r.events.filter((e) => e.room === name),
  };
  client.on('event', (e) => r.events.push(e));
  client.on('state', (s) => r.states.push(s));
  client.on('error', (e) => r.errors.push(e));
  client.on('reset', (e) => r.resets.push(e));
  client.on('welcome', (w) => r.welcomes.push(w));
  return r;
}

/** A client on `url` using ws, with fast reconnects; closed after the test. */
export function makeClient(
  url: string,
  nick: string,
  options: Partial<ClientOptions> = {},
): ParleyClient & { seen: Recorder } {
  const client = createClient({
    url,
    nick,
    WebSocket,
    backoff: { minMs: 50, maxMs: 500 },
    requestTimeoutMs: 5_000,
    ...options,
  });
  open.push(client);
  return Object.assign(client, { seen: record(client) });
}

/** Resolves with the next payload of `event` that matches, or fails at the deadline. */
export function next<E extends keyof ClientEvents>(
  client: ParleyClient,
  event: E,
  match: (payload: ClientEvents[E]) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<ClientEvents[E]> {
  let off: () => void = () => undefined;
  const found = new Promise<ClientEvents[E]>((resolve) => {
    off = client.on(event, (payload) => {
      if (match(payload)) resolve(payload);
    });
  });
  return withDeadline(found, timeoutMs, `client event "${String(event)}"`).finally(() => off());
}

/** Waits until the client is in `state` (now or later). */
export async function inState(client: ParleyClient, state: ParleyClient['state'], timeoutMs = 10_000): Promise<void> {
  if (client.state === state) return;
  await next(client, 'state', (s) => s.state === state, timeoutMs);
}

/** A room name unique within the run. */
let rooms = 0;
export function roomName(prefix = 'r'): string {
  rooms++;
  return `${prefix}-${process.pid}-${rooms}`;
}

export function seqs(events: readonly RoomEvent[]): number[] {
  return events.map((e) => e.seq);
}

/** 1..n */
export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}
